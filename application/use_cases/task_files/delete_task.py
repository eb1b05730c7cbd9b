"""DeleteTask: a task and its files are gone, its idempotency key kept."""

from __future__ import annotations

from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.use_cases.common import UowFactory
from domain.errors import TaskNotFound
from domain.tasks import KeptKey, preview_key, result_key


class DeleteTask:
    def __init__(self, uow: UowFactory, storage: BlobStorage) -> None:
        self.uow = uow
        self.storage = storage

    async def __call__(self, owner_id: UUID, task_id: UUID) -> None:
        """Task, source and result are gone; no refund. Raises TaskNotFound."""
        async with self.uow() as uow:
            task = await uow.tasks.get(task_id, owner_id)
            if task is None:
                raise TaskNotFound()
            await uow.tasks.delete(task_id)
            if task.idempotency_key and task.fingerprint:
                kept = KeptKey(task.owner_id, task.idempotency_key, task.fingerprint, task.id, task.created_at)
                await uow.tasks.keep_idempotency_key(kept)
            await uow.commit()
        # After the commit: a failed commit must not lose the files of a task that still exists.
        await self.storage.delete(task.source_key)
        await self.storage.delete(result_key(task.id))
        await self.storage.delete(preview_key(task.id))
