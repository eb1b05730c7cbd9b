"""The embedded mode: the in-memory broker runs jobs in the API process, beside the sweeper."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from uuid import uuid4

import pytest
from dependency_injector import providers

from entrypoints.container import Container, build_container, running
from entrypoints.embedded import broker_client, embedded_worker, lifespans, sweep_forever
from entrypoints.settings import load_settings


class Recorder:
    def __init__(self, fail_first: int = 0, enough: int = 1) -> None:
        self.calls: list[tuple[object, ...]] = []
        self.fail_first = fail_first
        self.enough = enough
        self.reached = asyncio.Event()  # set once `enough` calls were made

    async def __call__(self, *args: object) -> int:
        self.calls.append(args)
        if len(self.calls) >= self.enough:
            self.reached.set()
        if len(self.calls) <= self.fail_first:
            raise RuntimeError("the database went away")
        return 0


WAIT_SECONDS = 5  # a deadline for what should take milliseconds


def sweepers() -> list[asyncio.Task[object]]:
    return [task for task in asyncio.all_tasks() if task.get_name() == "pixelmill-sweeper"]


@pytest.fixture
def container(tmp_path: Path) -> Container:
    return build_container(load_settings({"PIXELMILL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}))


async def test_jobs_run_in_process_on_their_container_with_its_overrides(container: Container) -> None:
    processed = Recorder()
    container.process_task.override(providers.Object(processed))
    container.sweep.override(providers.Object(Recorder()))
    task_id = uuid4()

    async with embedded_worker(container):
        await container.queue().enqueue(task_id)

    assert processed.calls == [(task_id,)]  # leaving waits for running jobs


async def test_the_sweeper_runs_at_start_and_stops_on_exit(container: Container) -> None:
    sweep = Recorder()
    container.sweep.override(providers.Object(sweep))

    async with embedded_worker(container):
        await asyncio.wait_for(sweep.reached.wait(), WAIT_SECONDS)  # at start, not after the first interval
        [sweeper] = sweepers()
        assert not sweeper.done()

    assert sweeper.cancelled() and sweepers() == []
    assert len(sweep.calls) == 1


async def test_a_failing_sweep_is_logged_and_tried_again(
    container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    sweep = Recorder(fail_first=2, enough=3)
    container.sweep.override(providers.Object(sweep))

    sweeper = asyncio.create_task(sweep_forever(container, 0.01))
    try:
        await asyncio.wait_for(sweep.reached.wait(), WAIT_SECONDS)  # a third call after two failures
    finally:
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper

    assert caplog.text.count("the sweep failed") == 2


@pytest.mark.parametrize(
    ("broker_url", "expected"), [("memory://", embedded_worker), ("redis://127.0.0.1:6379", broker_client)]
)
def test_the_app_gets_the_lifespan_of_its_mode(tmp_path: Path, broker_url: str, expected: object) -> None:
    settings = load_settings({"PIXELMILL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db", "PIXELMILL_BROKER_URL": broker_url})

    resources, mode = lifespans(build_container(settings))

    assert resources(None).func is running.__wrapped__  # type: ignore[arg-type, attr-defined]
    assert mode(None).func is expected.__wrapped__  # type: ignore[arg-type, attr-defined]
