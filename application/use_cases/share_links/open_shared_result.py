"""OpenSharedResult: the result's bytes behind a live share link, for whoever holds it."""

from __future__ import annotations

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from application.use_cases.share_links.read_shared import ReadShared
from application.use_cases.task_files.stream import FileStream, open_file, result_of
from domain.errors import SharedLinkInvalid, TaskNotFound


class OpenSharedResult:
    def __init__(self, uow: UowFactory, storage: BlobStorage, clock: Clock) -> None:
        self.read_shared = ReadShared(uow, clock)
        self.storage = storage

    async def __call__(self, link_id: str) -> FileStream:
        """Raises SharedLinkInvalid."""
        key, info = result_of((await self.read_shared(link_id)).task)
        try:
            return await open_file(self.storage, key, info)
        except TaskNotFound:
            raise SharedLinkInvalid() from None
