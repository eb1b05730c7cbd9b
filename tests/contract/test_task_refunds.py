"""ProcessTask's refund rule on every store: a failed attempt refunds once, a superseded one never.

The superseded case is made deterministic, without timing: reading the source "takes" longer than the lease, so
another worker claims the task meanwhile (attempt 2), and then the read fails for attempt 1. Attempt 1 must not fail
the task nor refund its credit: the attempt that owns the task settles it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from adapters.memory.clock import FixedClock
from adapters.memory.metrics import MemoryMetrics
from adapters.memory.pixels import ThreadPixelRunner
from adapters.memory.storage import MemoryBlobStorage
from adapters.pillow.processor import PillowImageProcessor
from adapters.system import RandomIds
from application.use_cases.process_task import ProcessTask
from domain.credits import Reason
from domain.errors import NotFound
from domain.tasks import Status, Task
from tests.contract.builders import START, UowFactory, a_task, a_user, given

LEASE = timedelta(seconds=60)
COST = 1


class VanishingSource(MemoryBlobStorage):
    """The source read fails for good; with `superseded`, another worker claims the task while it is read."""

    def __init__(self, new_uow: UowFactory, clock: FixedClock, superseded: bool) -> None:
        super().__init__()
        self.new_uow, self.clock, self.superseded = new_uow, clock, superseded
        self.rival: Task | None = None

    async def get(self, key: str) -> bytes:
        if self.superseded:
            later = self.clock.now() + LEASE + timedelta(seconds=1)  # attempt 1's lease has run out by then
            async with self.new_uow() as uow:
                self.rival = await uow.tasks.claim(uuid.UUID(key.rsplit("/", 1)[1]), later, later + LEASE)
                await uow.commit()
        raise NotFound("the source is gone")


async def charged_task(new_uow: UowFactory) -> Task:
    """A user who paid one credit for a queued task, as SubmitTask leaves them."""
    owner = a_user(credits=5)
    task = a_task(owner.id)
    await given(new_uow, owner, task)
    async with new_uow() as uow:
        await uow.credits.spend(owner.id, COST, Reason.TASK_CHARGE, uuid.uuid4(), START, task_id=task.id)
        await uow.commit()
    return task


def process(new_uow: UowFactory, storage: VanishingSource, clock: FixedClock) -> ProcessTask:
    pixels = ThreadPixelRunner(lambda: PillowImageProcessor(max_pixels=50_000_000))
    return ProcessTask(
        new_uow, storage, pixels, clock, RandomIds(), MemoryMetrics(), cost=COST, lease=LEASE, timeout_seconds=60
    )


async def test_a_failed_attempt_fails_the_task_and_refunds_it_once(uow_factory: UowFactory) -> None:
    task = await charged_task(uow_factory)
    clock = FixedClock(START)

    failed = await process(uow_factory, VanishingSource(uow_factory, clock, superseded=False), clock)(task.id)

    assert failed is not None and failed.status == Status.FAILED
    async with uow_factory() as uow:
        assert (await uow.tasks.get(task.id)).status == Status.FAILED  # type: ignore[union-attr]
        assert await uow.credits.has_entry(Reason.TASK_REFUND, task_id=task.id)
        assert await uow.credits.balance(task.owner_id) == 5


async def test_a_superseded_attempt_neither_fails_nor_refunds_the_task(uow_factory: UowFactory) -> None:
    task = await charged_task(uow_factory)
    clock = FixedClock(START)
    storage = VanishingSource(uow_factory, clock, superseded=True)

    late = await process(uow_factory, storage, clock)(task.id)

    assert late is None
    assert storage.rival is not None and storage.rival.attempts == 2, "the rival worker must have taken over"
    async with uow_factory() as uow:
        stored = await uow.tasks.get(task.id)
        assert stored is not None and (stored.status, stored.attempts) == (Status.PROCESSING, 2)
        assert not await uow.credits.has_entry(Reason.TASK_REFUND, task_id=task.id)
        assert await uow.credits.balance(task.owner_id) == 5 - COST
