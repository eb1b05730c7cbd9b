"""Where uploads and results live, under keys the server chooses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol


class BlobStorage(Protocol):
    async def put(self, key: str, data: bytes) -> None:
        """Store bytes under key, replacing any; raises TransientFailure on I/O trouble."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes under key; raises NotFound when absent."""
        ...

    async def delete(self, key: str) -> None:
        """Remove key; idempotent."""
        ...

    def open_stream(self, key: str) -> AsyncIterator[bytes]:
        """The bytes under key in chunks; raises NotFound when absent."""
        ...

    async def ping(self) -> None:
        """Raise when the storage cannot be used."""
        ...
