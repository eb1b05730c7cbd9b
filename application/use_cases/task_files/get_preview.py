"""GetPreview: the small WebP of a completed task's result, for lists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.use_cases.common import UowFactory
from application.use_cases.read_tasks import GetTask
from application.use_cases.task_files.stream import FileStream
from domain.errors import NotFound, ResultNotReady, TaskNotFound
from domain.tasks import Status, preview_key, preview_size
from domain.values import ImageInfo


class GetPreview:
    def __init__(self, uow: UowFactory, storage: BlobStorage) -> None:
        self.get_task = GetTask(uow)
        self.storage = storage

    async def __call__(self, owner_id: UUID, task_id: UUID) -> FileStream:
        """Raises ResultNotReady unless completed; TaskNotFound when the task has no preview (it predates them)."""
        task = await self.get_task(owner_id, task_id)
        if task.status != Status.COMPLETED or task.result is None:
            raise ResultNotReady(f"the task is {task.status}, not completed")
        try:
            data = await self.storage.get(preview_key(task.id))  # a few kilobytes: read whole
        except NotFound:
            raise TaskNotFound("this task has no preview") from None
        width, height = preview_size(task.result.width, task.result.height)
        return FileStream(ImageInfo("WEBP", width, height, task.result.mode, len(data)), _once(data))


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data
