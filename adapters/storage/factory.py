"""The blob storage a STORAGE_URL names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from adapters.storage.local import LocalBlobStorage
from adapters.storage.s3 import S3BlobStorage, S3Options
from application.ports.blob_storage import BlobStorage


def storage_from_url(url: str, base_dir: Path, s3: S3Options | None = None) -> BlobStorage:
    """`file://var/blobs` (relative to base_dir), `file:///abs/path` or `s3://bucket/prefix`; raises ValueError otherwise."""
    scheme, separator, location = url.partition("://")
    if not separator:
        raise ValueError(f"storage URL {url!r} has no scheme; use file://path or s3://bucket")
    if scheme == "file":
        root = _local_root(location, base_dir)
        root.mkdir(parents=True, exist_ok=True)  # a fresh install is ready before its first upload
        return LocalBlobStorage(root)
    if scheme == "s3":
        bucket, _, prefix = location.partition("/")
        if not bucket:
            raise ValueError("an s3:// storage URL needs a bucket, such as s3://pixelmill/blobs")
        return S3BlobStorage.connect(bucket, unquote(prefix).strip("/"), s3 or S3Options())
    raise ValueError(f"unsupported storage URL scheme {scheme!r}; use file:// or s3://")


def _local_root(location: str, base_dir: Path) -> Path:
    if not location:
        raise ValueError("a file:// storage URL needs a directory, such as file://var/blobs")
    path = Path(unquote(location))
    return path if path.is_absolute() else base_dir / path
