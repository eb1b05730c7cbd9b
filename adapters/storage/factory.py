"""The blob storage a STORAGE_URL names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from adapters.storage.local import LocalBlobStorage
from application.ports.blob_storage import BlobStorage


def storage_from_url(url: str, base_dir: Path) -> BlobStorage:
    """`file://var/blobs` (relative to base_dir) or `file:///abs/path`; raises ValueError for anything else."""
    scheme, separator, location = url.partition("://")
    if not separator:
        raise ValueError(f"storage URL {url!r} has no scheme; use file://path")
    if scheme == "file":
        root = _local_root(location, base_dir)
        root.mkdir(parents=True, exist_ok=True)  # a fresh install is ready before its first upload
        return LocalBlobStorage(root)
    # An S3-compatible store ("s3://bucket") is built here once its adapter exists.
    raise ValueError(f"unsupported storage URL scheme {scheme!r}; use file://")


def _local_root(location: str, base_dir: Path) -> Path:
    if not location:
        raise ValueError("a file:// storage URL needs a directory, such as file://var/blobs")
    path = Path(unquote(location))
    return path if path.is_absolute() else base_dir / path
