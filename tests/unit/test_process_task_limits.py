"""ProcessTask's bounds: a heartbeat keeps a long attempt's lease, and the time limit stops a runaway one."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator

import pytest

from adapters.memory.pixels import ThreadPixelRunner
from application.memory_admission import MemoryAdmission
from application.use_cases.process_task import ProcessTask
from domain.credits import Reason
from domain.memory_budget import MB, working_set
from domain.tasks import Status
from tests.support.processors import HeldProcessor
from tests.unit.conftest import LEASE, SIGNUP_CREDITS, TASK_COST, Bootstrap


@pytest.fixture
async def held() -> AsyncIterator[HeldProcessor]:
    processor = HeldProcessor(max_pixels=10_000)
    yield processor
    processor.released.set()  # before the event loop closes: it waits for its threads


def process_task(app: Bootstrap, held: HeldProcessor, timeout: float = 120) -> ProcessTask:
    """ProcessTask whose heartbeat beats every 10 ms: the test's fixed clock jumps, the beats keep up."""
    return ProcessTask(
        app.uow, app.storage, ThreadPixelRunner(lambda: held), app.clock, app.ids, app.metrics, TASK_COST, LEASE,
        timeout_seconds=timeout, heartbeat_seconds=0.01, backoff_seconds=0,
    )


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.01)


async def test_an_attempt_longer_than_its_lease_keeps_the_task_and_completes_as_attempt_one(
    make_app, held: HeldProcessor
) -> None:
    app = make_app(processor=held)
    process = process_task(app, held)
    task = await app.submit(await app.user())
    app.queue.drain()
    attempt = asyncio.create_task(process(task.id))
    await until(held.started.is_set)

    for _ in range(3):  # three whole leases go by while the pixels run
        app.clock.advance(2 * LEASE.total_seconds())
        await until(lambda: app.stored(task.id).lease_until > app.clock.now())  # the heartbeat renewed it
        assert await app.sweep() == 0
        assert await process(task.id) is None  # a redelivered message finds the task held

    held.released.set()
    done = await attempt

    assert done is not None
    stored = app.stored(task.id)
    assert (stored.status, stored.attempts, stored.lease_until) == (Status.COMPLETED, 1, None)
    assert app.queue.enqueued == []


async def test_a_runaway_attempt_is_stopped_at_the_time_limit_and_refunded_once(make_app, held: HeldProcessor) -> None:
    app = make_app(processor=held)
    user = await app.user()
    task = await app.submit(user)
    app.queue.drain()

    failed = await process_task(app, held, timeout=0.2)(task.id)
    again = await process_task(app, held, timeout=0.2)(task.id)  # the message delivered a second time

    assert failed is not None and again is None
    stored = app.stored(task.id)
    assert (stored.status, stored.error, stored.attempts) == (Status.FAILED, "processing took longer than 0.2 s", 1)
    assert [e.delta for e in app.ledger(user) if e.reason == Reason.TASK_REFUND] == [TASK_COST]
    assert app.balance(user) == SIGNUP_CREDITS
    app.assert_books_balance(user)


async def test_a_task_needing_more_memory_than_the_worker_has_fails_in_words_and_is_refunded(make_app) -> None:
    # Accepted by an API that judged another budget; this worker has 1 MB for images.
    app = make_app()
    user = await app.user()
    task = await app.submit(user)
    app.queue.drain()
    process = ProcessTask(
        app.uow, app.storage, app.pixels, app.clock, app.ids, app.metrics, TASK_COST, LEASE,
        timeout_seconds=120, memory=MemoryAdmission(MB), backoff_seconds=0,
    )

    await process(task.id)

    stored = app.stored(task.id)
    assert stored.status == Status.FAILED
    assert re.fullmatch(r"the image needs about \d+ MB of memory to process, more than this worker's budget of 1 MB", stored.error)
    assert [e.delta for e in app.ledger(user) if e.reason == Reason.TASK_REFUND] == [TASK_COST]
    app.assert_books_balance(user)


async def test_attempts_whose_memory_does_not_fit_together_run_one_after_the_other(make_app, held: HeldProcessor) -> None:
    app = make_app(processor=held)
    user = await app.user()
    first, second = await app.submit(user), await app.submit(user)
    app.queue.drain()
    needed = working_set(first.source, first.operations)[0]
    admission = MemoryAdmission(needed + needed // 2)  # room for one and a half
    process = ProcessTask(
        app.uow, app.storage, ThreadPixelRunner(lambda: held), app.clock, app.ids, app.metrics, TASK_COST, LEASE,
        timeout_seconds=120, heartbeat_seconds=0.01, memory=admission, backoff_seconds=0,
    )

    running = [asyncio.create_task(process(first.id)), asyncio.create_task(process(second.id))]
    await until(held.started.is_set)
    await until(lambda: app.stored(second.id).status == Status.PROCESSING)

    assert admission.held == needed  # the second attempt started, holds its lease, and waits for memory
    assert (app.metrics.running, app.metrics.memory_bytes) == (1, needed)
    held.released.set()
    done = await asyncio.gather(*running)
    assert [task.status for task in done] == [Status.COMPLETED, Status.COMPLETED]
    assert admission.held == 0
    assert (app.metrics.running, app.metrics.memory_bytes) == (0, 0)
