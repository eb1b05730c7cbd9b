"""GetSource, GetResult, ShareResult, OpenSharedResult and DeleteTask: a task's files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock, IdGenerator
from application.ports.security import TokenIssuer
from application.use_cases.common import UowFactory
from application.use_cases.read_tasks import GetTask
from domain.errors import InvalidToken, NotFound, ResultNotReady, SharedLinkInvalid, TaskNotFound
from domain.tasks import KeptKey, Status, Task, preview_key, result_key
from domain.tokens import SHARE, Claims
from domain.values import ImageInfo


@dataclass(frozen=True)
class FileStream:
    info: ImageInfo
    chunks: AsyncIterator[bytes]


@dataclass(frozen=True)
class SharedLink:
    token: str
    expires_at: datetime


async def _open(storage: BlobStorage, key: str, info: ImageInfo) -> FileStream:
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


def _result_of(task: Task) -> tuple[str, ImageInfo]:
    if task.status != Status.COMPLETED or task.result is None or task.result_key is None:
        raise ResultNotReady(f"the task is {task.status}, not completed")
    return task.result_key, task.result


class GetSource:
    def __init__(self, uow: UowFactory, storage: BlobStorage) -> None:
        self.get_task = GetTask(uow)
        self.storage = storage

    async def __call__(self, owner_id: UUID, task_id: UUID) -> FileStream:
        task = await self.get_task(owner_id, task_id)
        return await _open(self.storage, task.source_key, task.source)


class GetResult:
    def __init__(self, uow: UowFactory, storage: BlobStorage) -> None:
        self.get_task = GetTask(uow)
        self.storage = storage

    async def __call__(self, owner_id: UUID, task_id: UUID) -> FileStream:
        """Raises ResultNotReady unless the task is completed."""
        key, info = _result_of(await self.get_task(owner_id, task_id))
        return await _open(self.storage, key, info)


class ShareResult:
    def __init__(self, uow: UowFactory, tokens: TokenIssuer, clock: Clock, ids: IdGenerator, ttl: timedelta) -> None:
        self.get_task = GetTask(uow)
        self.tokens = tokens
        self.clock = clock
        self.ids = ids
        self.ttl = ttl

    async def __call__(self, owner_id: UUID, task_id: UUID) -> SharedLink:
        """A signed, expiring link; raises ResultNotReady unless completed."""
        task = await self.get_task(owner_id, task_id)
        _result_of(task)
        now = self.clock.now()
        expires = now + self.ttl
        token = self.tokens.issue(Claims(SHARE, str(task.id), str(self.ids.new()), now, expires))
        return SharedLink(token, expires)


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
        key, info = _result_of(task)
        try:
            return await _open(self.storage, key, info)
        except TaskNotFound:
            raise SharedLinkInvalid() from None


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
