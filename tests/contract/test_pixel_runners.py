"""PixelRunner: the process pool and its thread fake run a pipeline, report failures in words, stop at the limit."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable
from functools import partial
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from adapters.memory.pixels import ThreadPixelRunner
from adapters.pillow.process_pool import ProcessPixelRunner
from adapters.pillow.processor import PillowImageProcessor
from application.ports.image_processor import ImageProcessor
from application.ports.pixel_runner import PixelRunner
from domain.errors import PermanentFailure, TimedOut
from domain.operations import DEFAULT_PIPELINE, Rotate
from tests.support.processors import RunawayProcessor, SelfKillingProcessor

RunnerFactory = Callable[[Callable[[], ImageProcessor]], PixelRunner]
RUNNERS: dict[str, RunnerFactory] = {
    "thread": ThreadPixelRunner,
    "process": lambda make: ProcessPixelRunner(make, processes=1),
}


@pytest.fixture(params=list(RUNNERS))
async def runner_of(request: pytest.FixtureRequest) -> AsyncIterator[RunnerFactory]:
    """Builds runners of one kind and closes them after the test."""
    made: list[PixelRunner] = []

    def make(make_processor: Callable[[], ImageProcessor]) -> PixelRunner:
        made.append(RUNNERS[request.param](make_processor))
        return made[-1]

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    for runner in made:
        await runner.close()


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    out = BytesIO()
    Image.effect_noise(size, 50).convert("RGB").save(out, "JPEG")
    return out.getvalue()


async def test_a_pipeline_gives_what_the_processor_gives(runner_of: RunnerFactory) -> None:
    runner = runner_of(partial(PillowImageProcessor, 50_000_000))
    data = jpeg()

    processed = await runner.run(data, DEFAULT_PIPELINE + (Rotate(90),), timeout=30)

    processor = PillowImageProcessor(50_000_000)
    expected = processor.run(data, DEFAULT_PIPELINE + (Rotate(90),))
    assert (processed.result, processed.info) == expected
    assert processed.preview == processor.preview(expected[0])  # the preview of that very result


async def test_a_broken_image_fails_with_its_reason(runner_of: RunnerFactory) -> None:
    runner = runner_of(partial(PillowImageProcessor, 50_000_000))
    data = jpeg((400, 300))
    with pytest.raises(PermanentFailure, match="damaged or truncated"):
        await runner.run(data[: len(data) // 2], DEFAULT_PIPELINE, timeout=30)


async def test_a_pipeline_over_the_pixel_budget_fails_as_too_large(runner_of: RunnerFactory) -> None:
    runner = runner_of(partial(PillowImageProcessor, 5_000))
    with pytest.raises(PermanentFailure, match="too large to process"):
        await runner.run(jpeg(), (Rotate(45),), timeout=30)


async def test_a_runaway_run_is_stopped_at_the_time_limit_and_the_runner_goes_on(
    runner_of: RunnerFactory, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    # Long enough to be far past the limit; short, because an abandoned thread is waited for at the test's end.
    runaway = runner_of(partial(RunawayProcessor, str(pid_file), seconds=4))
    started = time.monotonic()

    with pytest.raises(TimedOut, match=r"^processing took longer than 0.5 s$"):
        await runaway.run(jpeg(), DEFAULT_PIPELINE, timeout=0.5)

    assert time.monotonic() - started < RUNAWAY_TOLERANCE
    if runner_of.kind == "process":  # type: ignore[attr-defined]
        await gone(int(pid_file.read_text()))  # killed, not abandoned
    healthy = runner_of(partial(PillowImageProcessor, 50_000_000))
    assert (await healthy.run(jpeg(), DEFAULT_PIPELINE, timeout=30)).info.mode == "L"


# Generous: the process pool checks its deadlines every few hundred milliseconds, on a loaded machine.
RUNAWAY_TOLERANCE = 10.0


async def gone(pid: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        assert time.monotonic() < deadline, f"process {pid} still runs"
        await asyncio.sleep(0.05)


async def test_a_child_killed_mid_run_fails_the_run_in_words_and_is_replaced() -> None:
    runner = ProcessPixelRunner(partial(SelfKillingProcessor, 50_000_000), processes=1)
    try:
        with pytest.raises(PermanentFailure, match=r"killed \(SIGKILL\)"):
            await runner.run(jpeg(), DEFAULT_PIPELINE, timeout=30)
        runner.make_processor = partial(PillowImageProcessor, 50_000_000)
        assert (await runner.run(jpeg(), DEFAULT_PIPELINE, timeout=30)).info.mode == "L"
    finally:
        await runner.close()
