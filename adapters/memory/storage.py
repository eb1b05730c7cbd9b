"""Blob storage in a dict."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain.errors import NotFound, TransientFailure


class MemoryBlobStorage:
    def __init__(self, chunk_size: int = 64 * 1024) -> None:
        self.blobs: dict[str, bytes] = {}
        self.chunk_size = chunk_size
        self.failing = False

    async def put(self, key: str, data: bytes) -> None:
        if self.failing:
            raise TransientFailure("storage is failing")
        self.blobs[key] = bytes(data)

    async def get(self, key: str) -> bytes:
        if self.failing:
            raise TransientFailure("storage is failing")
        try:
            return self.blobs[key]
        except KeyError:
            raise NotFound(f"no blob {key}") from None

    async def delete(self, key: str) -> None:
        self.blobs.pop(key, None)

    async def open_stream(self, key: str) -> AsyncIterator[bytes]:
        data = await self.get(key)
        for start in range(0, len(data), self.chunk_size):
            yield data[start : start + self.chunk_size]

    async def ping(self) -> None:
        if self.failing:
            raise TransientFailure("storage is failing")
