"""FileStream and the helpers every use case that hands out a task's file shares."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from application.ports.blob_storage import BlobStorage
from domain.errors import NotFound, ResultNotReady, TaskNotFound
from domain.tasks import Status, Task
from domain.values import ImageInfo


@dataclass(frozen=True)
class FileStream:
    info: ImageInfo
    chunks: AsyncIterator[bytes]


async def open_file(storage: BlobStorage, key: str, info: ImageInfo) -> FileStream:
    """Reads the first chunk now, so that a missing file is TaskNotFound before any byte is sent."""
    chunks = storage.open_stream(key)
    try:
        first = await anext(chunks)
    except StopAsyncIteration:
        first = b""
    except NotFound:
        raise TaskNotFound("the file is gone") from None
    return FileStream(info, _prepend(first, chunks))


async def _prepend(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


def result_of(task: Task) -> tuple[str, ImageInfo]:
    """The result's key and info; raises ResultNotReady unless the task is completed."""
    if task.status != Status.COMPLETED or task.result is None or task.result_key is None:
        raise ResultNotReady(f"the task is {task.status}, not completed")
    return task.result_key, task.result
