"""GetSource: the image a task was submitted with."""

from __future__ import annotations

from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.use_cases.common import UowFactory
from application.use_cases.read_tasks import GetTask
from application.use_cases.task_files.stream import FileStream, open_file


class GetSource:
    def __init__(self, uow: UowFactory, storage: BlobStorage) -> None:
        self.get_task = GetTask(uow)
        self.storage = storage

    async def __call__(self, owner_id: UUID, task_id: UUID) -> FileStream:
        task = await self.get_task(owner_id, task_id)
        return await open_file(self.storage, task.source_key, task.source)
