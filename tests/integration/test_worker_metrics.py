"""A separate `pixelmill worker` serves its own /metrics: the work it did is visible to Prometheus."""

from __future__ import annotations

import asyncio
import io
import re
import time
from pathlib import Path
from uuid import UUID

import httpx
import pytest
from PIL import Image

from application.use_cases.sign_up import SignUpCommand
from application.use_cases.submit_task import SubmitTaskCommand
from entrypoints.container import build_container
from entrypoints.settings import load_settings
from testbed.environment import free_port
from tests.support.stack import PASSWORD, Stack, production_stack

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def submit(stack: Stack, broken: bool = False) -> UUID:
    """As the API would: a user, a charged task in the database, its id on the stream."""
    out = io.BytesIO()
    Image.effect_noise((300, 200), 50).convert("RGB").save(out, "JPEG")
    data = out.getvalue()
    image = data[: len(data) // 2] if broken else data  # a cut JPEG passes the probe, fails to decode
    container = build_container(load_settings(stack.env))
    try:
        user = await container.sign_up()(SignUpCommand(f"m{time.monotonic_ns()}@example.com", PASSWORD))
        submitted = await container.submit_task()(SubmitTaskCommand(owner_id=user.id, title="m", image=image))
        return submitted.task.id
    finally:
        await container.broker().shutdown()
        await container.engine().dispose()


def sample(metrics: str, name: str) -> float | None:
    match = re.search(rf"^{re.escape(name)} (\S+)$", metrics, re.MULTILINE)
    return float(match.group(1)) if match else None


async def test_a_worker_process_exposes_the_tasks_it_finished_and_its_queue(tmp_path: Path) -> None:
    port = free_port()
    async with production_stack(tmp_path, worker_metrics_port=port) as stack:
        worker = stack.worker("worker")
        done, failed = await submit(stack), await submit(stack, broken=True)
        url = f"http://127.0.0.1:{port}/metrics"
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient(timeout=2) as http:
            while True:
                assert worker.popen.poll() is None, worker.tail()
                try:
                    metrics = (await http.get(url)).text
                except httpx.TransportError:
                    metrics = ""
                finished = [sample(metrics, f'pixelmill_tasks_finished_total{{status="{s}"}}') for s in ("completed", "failed")]
                if finished == [1.0, 1.0]:
                    break
                assert time.monotonic() < deadline, f"{finished}\n{worker.tail()}"
                await asyncio.sleep(0.2)

    assert done != failed
    assert sample(metrics, "pixelmill_task_processing_seconds_count") == 2.0
    assert sample(metrics, "pixelmill_attempts_running") == 0.0
    assert sample(metrics, "pixelmill_pixel_memory_reserved_bytes") == 0.0
    assert sample(metrics, "pixelmill_queue_depth") is not None
