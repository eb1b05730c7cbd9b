"""OpenSharedOriginal: the uploaded image behind a live share link, only when its owner allowed before/after."""

from __future__ import annotations

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from application.use_cases.share_links.read_shared import ReadShared
from application.use_cases.task_files.stream import FileStream, open_file
from domain.errors import SharedLinkInvalid, TaskNotFound


class OpenSharedOriginal:
    def __init__(self, uow: UowFactory, storage: BlobStorage, clock: Clock) -> None:
        self.read_shared = ReadShared(uow, clock)
        self.storage = storage

    async def __call__(self, link_id: str) -> FileStream:
        """Raises SharedLinkInvalid, also for a link made without show_original."""
        shared = await self.read_shared(link_id)
        if not shared.link.show_original:
            raise SharedLinkInvalid()
        try:
            return await open_file(self.storage, shared.task.source_key, shared.task.source)
        except TaskNotFound:
            raise SharedLinkInvalid() from None
