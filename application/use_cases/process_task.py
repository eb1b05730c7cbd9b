"""ProcessTask: claim with a lease, run the pixels off the event loop, complete, or fail and refund once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar
from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock, IdGenerator
from application.ports.image_processor import ImageProcessor
from application.ports.metrics import Metrics
from application.use_cases.common import UowFactory
from domain.credits import Reason
from domain.errors import DuplicateRecord, NotFound, PermanentFailure, TransientFailure
from domain.tasks import Task, preview_key, result_key
from domain.values import ImageInfo

log = logging.getLogger(__name__)
T = TypeVar("T")


class ProcessTask:
    def __init__(
        self,
        uow: UowFactory,
        storage: BlobStorage,
        processor: ImageProcessor,
        clock: Clock,
        ids: IdGenerator,
        metrics: Metrics,
        cost: int,
        lease: timedelta,
        max_attempts: int = 3,
        retries: int = 3,
        backoff_seconds: float = 0.2,
    ) -> None:
        self.uow = uow
        self.storage = storage
        self.processor = processor
        self.clock = clock
        self.ids = ids
        self.metrics = metrics
        self.cost = cost
        self.lease = lease
        self.max_attempts = max_attempts
        self.retries = retries
        self.backoff_seconds = backoff_seconds

    async def __call__(self, task_id: UUID) -> Task | None:
        """Idempotent: a task that is done or held by another worker is left alone (returns None)."""
        now = self.clock.now()
        async with self.uow() as uow:
            task = await uow.tasks.claim(task_id, now, now + self.lease)
            await uow.commit()
        if task is None:
            return None
        if task.attempts > self.max_attempts:
            # Earlier attempts died mid-way (worker killed): a poison message must not loop forever.
            return await self._fail(task, f"gave up after {self.max_attempts} attempts")
        started = asyncio.get_running_loop().time()
        try:
            source = await self._retrying(lambda: self.storage.get(task.source_key))
            data, info = await asyncio.to_thread(self.processor.run, source, task.operations)
            key = result_key(task.id)
            await self._retrying(lambda: self.storage.put(key, data))
            preview = await asyncio.to_thread(self.processor.preview, data)  # for the dashboard's lists
            await self._retrying(lambda: self.storage.put(preview_key(task.id), preview))
        except (PermanentFailure, TransientFailure, NotFound) as exc:
            return await self._fail(task, _reason(exc))
        finally:
            self.metrics.observe_processing(asyncio.get_running_loop().time() - started)
        return await self._complete(task, info, key)

    async def _complete(self, task: Task, info: ImageInfo, key: str) -> Task | None:
        attempt = task.attempts
        task.complete(info, key, self.clock.now())
        async with self.uow() as uow:
            stored = await uow.tasks.finish(task, attempt)
            await uow.commit()
        if not stored:
            await self._drop_orphan(task)
            return None
        self.metrics.task_finished(task.status)
        return task

    async def _fail(self, task: Task, reason: str) -> Task | None:
        attempt = task.attempts
        task.fail(reason, self.clock.now())
        try:
            async with self.uow() as uow:
                if not await uow.tasks.finish(task, attempt):
                    return None  # another attempt owns the task now; it settles the refund
                await uow.credits.grant(
                    task.owner_id, self.cost, Reason.TASK_REFUND, self.ids.new(), self.clock.now(), task_id=task.id
                )
                await uow.commit()
        except DuplicateRecord:
            log.info("task %s was already refunded", task.id)
            return None
        self.metrics.task_finished(task.status)
        self.metrics.credits(Reason.TASK_REFUND, self.cost)
        return task

    async def _drop_orphan(self, task: Task) -> None:
        # The task was deleted while we worked: its result must not outlive it.
        async with self.uow() as uow:
            if await uow.tasks.get(task.id) is None and task.result_key:
                await self.storage.delete(task.result_key)
                await self.storage.delete(preview_key(task.id))

    async def _retrying(self, step: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(self.retries):
            try:
                return await step()
            except TransientFailure:
                if attempt == self.retries - 1:
                    raise
                await asyncio.sleep(self.backoff_seconds * 2**attempt)
        raise AssertionError("unreachable")


def _reason(exc: Exception) -> str:
    if isinstance(exc, NotFound):
        return "the uploaded image is missing from storage"
    if isinstance(exc, TransientFailure):
        return f"storage kept failing: {exc.detail}"
    return exc.detail
