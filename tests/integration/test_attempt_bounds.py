"""On the production stack (PostgreSQL, Redis, `pixelmill worker` with its pixel process): an attempt longer than
its lease keeps the task by its heartbeat and completes as attempt 1; a runaway attempt is killed at the time
limit, fails in words and is refunded once."""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path
from uuid import UUID

import pytest
from PIL import Image

from application.use_cases.sign_up import SignUpCommand
from application.use_cases.submit_task import SubmitTaskCommand
from domain.operations import Blur
from entrypoints.container import build_container
from entrypoints.settings import load_settings
from tests.support.stack import PASSWORD, Stack, production_stack

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# Seconds of pixels even on an idle machine (about 6 s here), well past twice a 2 s lease.
SLOW = (Blur(50.0),) * 10
# A lease of 2 s (a heartbeat every 0.7 s), swept every second: without a heartbeat a second attempt would start.
# Not 1 s: on a loaded machine a beat can be late by most of a second, and the test would measure the load.
LEASE_SECONDS = 2
SHORT_LEASE = {"task_lease_seconds": LEASE_SECONDS, "queue_redelivery_seconds": 3, "sweep_interval_seconds": 1,
               "sweep_queued_after_seconds": 3}  # fmt: skip


def large_jpeg() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((5000, 4000)).convert("RGB").save(out, "JPEG")
    return out.getvalue()


async def submit_slow_task(stack: Stack) -> UUID:
    """As the API would: a user, a charged task in the database, its id on the stream."""
    container = build_container(load_settings(stack.env))
    try:
        user = await container.sign_up()(SignUpCommand(f"b{time.monotonic_ns()}@example.com", PASSWORD))
        submitted = await container.submit_task()(
            SubmitTaskCommand(owner_id=user.id, title="slow", image=large_jpeg(), operations=SLOW)
        )
        return submitted.task.id
    finally:
        await container.broker().shutdown()
        await container.engine().dispose()


async def finished(stack: Stack, task_id: UUID, worker_tail, timeout: float = 240) -> tuple:
    deadline = time.monotonic() + timeout
    while True:
        ((status, attempts, error, started, ended),) = await stack.query(
            "SELECT status, attempts, error, started_at, finished_at FROM tasks WHERE id = :id", id=task_id
        )
        if status in ("completed", "failed"):
            return status, attempts, error, (ended - started).total_seconds()
        assert time.monotonic() < deadline, worker_tail()
        await asyncio.sleep(0.1)


async def test_an_attempt_longer_than_its_lease_completes_as_the_only_attempt(tmp_path: Path) -> None:
    async with production_stack(tmp_path, **SHORT_LEASE) as stack:
        worker = stack.worker("worker", processes=2)
        task_id = await submit_slow_task(stack)

        status, attempts, error, seconds = await finished(stack, task_id, worker.tail)

    assert (status, attempts, error) == ("completed", 1, None), worker.tail()
    assert seconds > 2 * LEASE_SECONDS, f"the attempt took {seconds:.1f} s: not long enough to outlive its lease twice"


async def test_a_runaway_attempt_is_killed_at_the_time_limit_and_refunded_once(tmp_path: Path) -> None:
    async with production_stack(tmp_path, task_timeout_seconds=1) as stack:
        worker = stack.worker("worker")
        task_id = await submit_slow_task(stack)

        status, attempts, error, _ = await finished(stack, task_id, worker.tail)
        refunds = await stack.query(
            "SELECT delta FROM credit_ledger WHERE task_id = :id AND reason = 'task_refund'", id=task_id
        )
        second = await submit_slow_task(stack)  # stopped the same way: the pool replaced the process it killed
        assert (await finished(stack, second, worker.tail))[:3] == ("failed", 1, error)

    assert (status, attempts, error) == ("failed", 1, "processing took longer than 1 s")
    assert [row[0] for row in refunds] == [1]
