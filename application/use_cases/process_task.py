"""ProcessTask: claim with a lease renewed while the attempt runs, run the pixels off the event loop within a time
limit, complete, or fail with a reason and refund once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, nullcontext, suppress
from datetime import timedelta
from typing import TypeVar
from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock, IdGenerator
from application.ports.metrics import Metrics
from application.memory_admission import MemoryAdmission
from application.ports.pixel_runner import PixelRunner
from application.use_cases.common import UowFactory
from application.use_cases.webhooks.outbox import record_event, task_data
from domain.credits import Reason
from domain.outbound_webhooks import EventType
from domain.errors import DuplicateRecord, NotFound, PermanentFailure, TransientFailure
from domain.memory_budget import working_set
from domain.tasks import Task, preview_key, result_key
from domain.values import ImageInfo

log = logging.getLogger(__name__)
T = TypeVar("T")


class ProcessTask:
    def __init__(
        self,
        uow: UowFactory,
        storage: BlobStorage,
        pixels: PixelRunner,
        clock: Clock,
        ids: IdGenerator,
        metrics: Metrics,
        cost: int,
        lease: timedelta,
        *,
        timeout_seconds: float,
        heartbeat_seconds: float | None = None,
        memory: MemoryAdmission | None = None,
        max_attempts: int = 3,
        retries: int = 3,
        backoff_seconds: float = 0.2,
    ) -> None:
        self.uow = uow
        self.storage = storage
        self.pixels = pixels
        self.timeout_seconds = timeout_seconds
        self.memory = memory
        # A third of the lease: two renewals may fail (a database blip) before another worker could claim it.
        self.heartbeat_seconds = heartbeat_seconds or lease.total_seconds() / 3
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
        async with self.uow().single_statement() as uow:  # the claim is one conditional update
            task = await uow.tasks.claim(task_id, now, now + self.lease)
            await uow.commit()
        if task is None:
            return None
        attempt = task.attempts
        if attempt > self.max_attempts:
            # Earlier attempts died mid-way (worker killed): a poison message must not loop forever.
            task.give_up(self.max_attempts, self.clock.now())
            return await self._settle_failure(task, attempt)
        started = asyncio.get_running_loop().time()
        try:
            async with self._lease_renewed(task.id, attempt), self._admitted(task):
                source = await self._retrying(lambda: self.storage.get(task.source_key))
                processed = await self.pixels.run(source, task.operations, self.timeout_seconds)
                del source
                info, key = processed.info, result_key(task.id)
                await self._retrying(lambda: self.storage.put(key, processed.result))
                # The preview (for the dashboard's lists) came from the same child process, within the same limit.
                await self._retrying(lambda: self.storage.put(preview_key(task.id), processed.preview))
        except (PermanentFailure, TransientFailure, NotFound) as exc:
            return await self._fail(task, _reason(exc))
        finally:
            self.metrics.observe_processing(asyncio.get_running_loop().time() - started)
        return await self._complete(task, info, key)

    @asynccontextmanager
    async def _admitted(self, task: Task) -> AsyncIterator[None]:
        """Wait (lease renewed) until the attempt's predicted peak memory fits beside the others running."""
        needed = working_set(task.source, task.operations)[0]
        async with nullcontext() if self.memory is None else self.memory.hold(needed):
            self.metrics.attempt_running(+1, needed)
            try:
                yield
            finally:
                self.metrics.attempt_running(-1, needed)

    @asynccontextmanager
    async def _lease_renewed(self, task_id: UUID, attempt: int) -> AsyncIterator[None]:
        """A heartbeat: however long the attempt runs, no sweeper or redelivery sees its lease run out."""
        heartbeat = asyncio.create_task(self._renew_until_lost(task_id, attempt), name=f"lease-{task_id}")
        try:
            yield
        finally:
            heartbeat.cancel()
            with suppress(asyncio.CancelledError):
                await heartbeat

    async def _renew_until_lost(self, task_id: UUID, attempt: int) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_seconds)
            try:
                async with self.uow().single_statement() as uow:
                    renewed = await uow.tasks.renew(task_id, attempt, self.clock.now() + self.lease)
                    await uow.commit()
            except Exception:  # a blip: the next beat tries again, well before the lease runs out
                log.warning("could not renew the lease of task %s", task_id, exc_info=True)
                continue
            if not renewed:
                log.warning("task %s is no longer held by attempt %d; its result will be dropped", task_id, attempt)
                return

    async def _complete(self, task: Task, info: ImageInfo, key: str) -> Task | None:
        attempt = task.attempts
        task.complete(info, key, self.clock.now())
        async with self.uow() as uow:
            stored = await uow.tasks.finish(task, attempt)
            if stored:  # the event is written with the change, so it is sent only once that has committed
                await record_event(uow, self.ids, self.clock.now(), task.owner_id, EventType.TASK_COMPLETED, task_data(task))
            await uow.commit()
        if not stored:
            await self._drop_orphan(task)
            return None
        self.metrics.task_finished(task.status)
        return task

    async def _fail(self, task: Task, reason: str) -> Task | None:
        attempt = task.attempts
        task.fail(reason, self.clock.now())
        return await self._settle_failure(task, attempt)

    async def _settle_failure(self, task: Task, attempt: int) -> Task | None:
        try:
            async with self.uow() as uow:
                if not await uow.tasks.finish(task, attempt):
                    return None  # another attempt owns the task now; it settles the refund
                await uow.credits.grant(
                    task.owner_id, self.cost, Reason.TASK_REFUND, self.ids.new(), self.clock.now(), task_id=task.id
                )
                await record_event(uow, self.ids, self.clock.now(), task.owner_id, EventType.TASK_FAILED, task_data(task))
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
