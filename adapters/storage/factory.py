"""Blob storages built from a STORAGE_URL: `file://var/blobs` (relative to a base directory), `file:///abs/path`
or `s3://bucket/prefix`. Which one serves is the container's choice, by `storage_scheme`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from adapters.storage.local import LocalBlobStorage
from adapters.storage.s3 import S3BlobStorage, S3Options

SCHEMES = ("file", "s3")


def storage_scheme(url: str) -> str:
    """`file` or `s3`; raises ValueError for a URL with no scheme or another one."""
    scheme, separator, _ = url.partition("://")
    if not separator:
        raise ValueError(f"storage URL {url!r} has no scheme; use file://path or s3://bucket")
    if scheme not in SCHEMES:
        raise ValueError(f"unsupported storage URL scheme {scheme!r}; use file:// or s3://")
    return scheme


def local_storage(url: str, base_dir: Path) -> LocalBlobStorage:
    """A directory; a relative one lives under base_dir. Raises ValueError without a directory."""
    location = url.partition("://")[2]
    if not location:
        raise ValueError("a file:// storage URL needs a directory, such as file://var/blobs")
    path = Path(unquote(location))
    root = path if path.is_absolute() else base_dir / path
    root.mkdir(parents=True, exist_ok=True)  # a fresh install is ready before its first upload
    return LocalBlobStorage(root)


def s3_storage(url: str, options: S3Options) -> S3BlobStorage:
    """A bucket and an optional key prefix. Raises ValueError without a bucket."""
    bucket, _, prefix = url.partition("://")[2].partition("/")
    if not bucket:
        raise ValueError("an s3:// storage URL needs a bucket, such as s3://pixelmill/blobs")
    return S3BlobStorage.connect(bucket, unquote(prefix).strip("/"), options)
