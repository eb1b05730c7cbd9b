"""OpenSharedResult: the result behind a shared link, for whoever holds the link."""

from __future__ import annotations

from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock
from application.ports.security import TokenIssuer
from application.use_cases.common import UowFactory
from application.use_cases.task_files.stream import FileStream, open_file, result_of
from domain.errors import InvalidToken, SharedLinkInvalid, TaskNotFound
from domain.tasks import Status
from domain.tokens import SHARE


class OpenSharedResult:
    def __init__(self, uow: UowFactory, storage: BlobStorage, tokens: TokenIssuer, clock: Clock) -> None:
        self.uow = uow
        self.storage = storage
        self.tokens = tokens
        self.clock = clock

    async def __call__(self, token: str) -> FileStream:
        """Raises SharedLinkInvalid when the token is tampered or expired, or the task is gone."""
        try:
            task_id = UUID(self.tokens.read(token, SHARE, self.clock.now()).subject)
        except (InvalidToken, ValueError):
            raise SharedLinkInvalid() from None
        async with self.uow() as uow:
            task = await uow.tasks.get(task_id)
        if task is None or task.status != Status.COMPLETED:
            raise SharedLinkInvalid()
        key, info = result_of(task)
        try:
            return await open_file(self.storage, key, info)
        except TaskNotFound:
            raise SharedLinkInvalid() from None
