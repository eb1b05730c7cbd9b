"""PurgeExpiredImages: past RESULT_RETENTION_DAYS a finished task's images are deleted; its row stays and says so."""

from __future__ import annotations

from datetime import timedelta

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from domain.tasks import preview_key, result_key

BATCH = 100
MAX_BATCHES = 50  # one run does a bounded amount of work; the next run goes on


class PurgeExpiredImages:
    def __init__(self, uow: UowFactory, storage: BlobStorage, clock: Clock, retention: timedelta | None) -> None:
        self.uow = uow
        self.storage = storage
        self.clock = clock
        self.retention = retention

    async def __call__(self) -> int:
        """How many tasks lost their images; nothing when retention is off."""
        if self.retention is None:
            return 0
        purged = 0
        for _ in range(MAX_BATCHES):
            now = self.clock.now()
            async with self.uow() as uow:
                expired = await uow.tasks.expired(now - self.retention, BATCH)
            for task in expired:
                # Files first, then the mark: a run cut short leaves the task to the next run, never a mark on files.
                for key in (task.source_key, result_key(task.id), preview_key(task.id)):
                    await self.storage.delete(key)
                async with self.uow() as uow:
                    await uow.tasks.mark_images_deleted(task.id, now)
                    await uow.commit()
            purged += len(expired)
            if len(expired) < BATCH:
                break
        return purged
