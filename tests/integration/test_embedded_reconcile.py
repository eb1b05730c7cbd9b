"""Reconciliation runs by itself: in the embedded server beside the sweeper, and as a Taskiq job for workers."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from dependency_injector import providers

from application.use_cases.billing.reconcile_orders import Reconciled
from entrypoints.container import Container, build_container
from entrypoints.embedded import embedded_worker, reconcile_forever
from entrypoints.settings import load_settings
from entrypoints.jobs import RECONCILE
from tests.e2e.polling import eventually


class Recorder:
    def __init__(self, fail_first: int = 0) -> None:
        self.calls = 0
        self.fail_first = fail_first

    async def __call__(self) -> Reconciled:
        self.calls += 1
        if self.calls <= self.fail_first:
            raise RuntimeError("the gateway went away")
        return Reconciled(captured=1)

    async def count(self) -> int:
        return self.calls


@pytest.fixture
def container(tmp_path: Path) -> Container:
    settings = load_settings({
        "PIXELMILL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        "PIXELMILL_ORDER_RECONCILE_INTERVAL_SECONDS": "3600",
    })  # fmt: skip
    return build_container(settings)


async def test_the_reconciler_runs_every_interval_and_survives_a_failure(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    reconcile = Recorder(fail_first=1)
    container.reconcile_orders.override(providers.Object(reconcile))

    loop = asyncio.create_task(reconcile_forever(container, 0.01))
    await eventually(reconcile.count, lambda calls: calls >= 3, timeout=5)
    loop.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await loop

    assert "the order reconciliation failed" in caplog.text


async def test_the_embedded_server_runs_a_reconciler_and_stops_it(container: Container) -> None:
    container.sweep.override(providers.Object(Recorder()))

    async with embedded_worker(container):
        running = {task.get_name() for task in asyncio.all_tasks()}

    assert "pixelmill-reconciler" in running
    assert "pixelmill-reconciler" not in {task.get_name() for task in asyncio.all_tasks()}


async def test_workers_have_a_reconcile_job(container: Container) -> None:
    reconcile = Recorder()
    container.reconcile_orders.override(providers.Object(reconcile))
    container.sweep.override(providers.Object(Recorder()))

    async with embedded_worker(container):
        job = container.broker().find_task(RECONCILE)
        assert job is not None
        await job.kiq()
        await eventually(reconcile.count, lambda calls: calls == 1, timeout=5)
