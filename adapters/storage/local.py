"""Blob storage in a local directory, one file per key, written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from anyio import open_file, to_thread

from adapters.storage.keys import checked_key
from domain.errors import NotFound, TransientFailure

# A key that names a directory, or runs through a file, holds no blob.
_ABSENT = (FileNotFoundError, IsADirectoryError, NotADirectoryError)


class LocalBlobStorage:
    def __init__(self, root: Path, chunk_size: int = 64 * 1024) -> None:
        self.root = root
        self.chunk_size = chunk_size

    async def put(self, key: str, data: bytes) -> None:
        """Store bytes under key, replacing any; raises TransientFailure on I/O trouble."""
        path = self._path(key)
        try:
            await to_thread.run_sync(_write_atomically, path, data)
        except OSError as exc:
            raise TransientFailure(f"cannot store blob {key}: {exc}") from exc

    async def get(self, key: str) -> bytes:
        """The bytes under key; raises NotFound when absent."""
        path = self._path(key)
        try:
            return await to_thread.run_sync(path.read_bytes)
        except _ABSENT:
            raise NotFound(f"no blob {key}") from None
        except OSError as exc:
            raise TransientFailure(f"cannot read blob {key}: {exc}") from exc

    async def delete(self, key: str) -> None:
        """Remove key; idempotent."""
        path = self._path(key)
        try:
            await to_thread.run_sync(path.unlink)
        except _ABSENT:
            pass
        except OSError as exc:
            raise TransientFailure(f"cannot delete blob {key}: {exc}") from exc

    async def open_stream(self, key: str) -> AsyncIterator[bytes]:
        """The bytes under key in chunks; raises NotFound when absent."""
        path = self._path(key)
        try:
            file = await open_file(path, "rb")
        except _ABSENT:
            raise NotFound(f"no blob {key}") from None
        async with file:
            while chunk := await file.read(self.chunk_size):
                yield chunk

    async def ping(self) -> None:
        """Raise when the storage cannot be used."""
        try:
            await to_thread.run_sync(_touch, self.root)
        except OSError as exc:
            raise TransientFailure(f"blob directory {self.root} is not a writable directory: {exc}") from exc

    def _path(self, key: str) -> Path:
        """The file of key; raises ValueError for any key that could leave the root."""
        return self.root.joinpath(*checked_key(key).split("/"))


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file in the same directory, so os.replace is an atomic rename: readers never see half a blob.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())  # the database may point at this blob as soon as put returns
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _touch(root: Path) -> None:
    with tempfile.TemporaryFile(dir=root):
        pass
