"""`pixelmill worker` on SIGTERM: it stops taking messages, finishes the task it runs, and exits promptly."""

from __future__ import annotations

import asyncio
import io
import signal
import time
from pathlib import Path
from uuid import UUID

import pytest
from PIL import Image

from application.use_cases.sign_up import SignUpCommand
from application.use_cases.submit_task import SubmitTaskCommand
from domain.operations import Blur
from entrypoints.cli.processes import WORKER_DRAIN_SECONDS
from entrypoints.container import build_container
from entrypoints.settings import load_settings
from tests.support.stack import PASSWORD, Stack, production_stack

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

# A few seconds of pixels: long enough to be running when the signal comes.
SLOW = (Blur(50.0),) * 4


def large_jpeg() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((3000, 2000)).convert("RGB").save(out, "JPEG")
    return out.getvalue()


async def submit_slow_task(stack: Stack) -> UUID:
    """As the API would: a user, a charged task in the database, its id on the stream."""
    container = build_container(load_settings(stack.env))
    try:
        user = await container.sign_up()(SignUpCommand("slow@example.com", PASSWORD))
        submitted = await container.submit_task()(
            SubmitTaskCommand(owner_id=user.id, title="slow", image=large_jpeg(), operations=SLOW)
        )
        return submitted.task.id
    finally:
        await container.broker().shutdown()
        await container.engine().dispose()


async def status_of(stack: Stack, task_id: UUID) -> tuple[str, int]:
    ((status, attempts),) = await stack.query("SELECT status, attempts FROM tasks WHERE id = :id", id=task_id)
    return status, attempts


async def test_sigterm_lets_a_worker_finish_the_task_it_runs_then_exit(tmp_path: Path) -> None:
    async with production_stack(tmp_path) as stack:
        worker = stack.worker("worker", processes=2)
        task_id = await submit_slow_task(stack)
        deadline = time.monotonic() + 60
        while (await status_of(stack, task_id))[0] != "processing":
            assert time.monotonic() < deadline, worker.tail()
            await asyncio.sleep(0.02)

        signalled = time.monotonic()
        worker.popen.send_signal(signal.SIGTERM)  # to the supervisor alone, as `docker stop` signals PID 1
        while worker.popen.poll() is None:
            assert time.monotonic() - signalled < WORKER_DRAIN_SECONDS + 15, f"still running:\n{worker.tail()}"
            await asyncio.sleep(0.05)
        stopped_after = time.monotonic() - signalled

        assert worker.popen.returncode == 0, worker.tail()
        assert await status_of(stack, task_id) == ("completed", 1)  # finished by the worker that held it
        print(f"\n[worker shutdown] exited {stopped_after:.1f} s after SIGTERM, its running task completed")
