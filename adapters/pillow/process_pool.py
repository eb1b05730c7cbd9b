"""Pixels in a pool of child processes (pebble): a runaway attempt is killed at its time limit, a dead child is
replaced, and the parent's event loop never turns a pixel."""

from __future__ import annotations

import asyncio
import multiprocessing
import signal
from collections.abc import AsyncIterator, Callable
from concurrent.futures import TimeoutError as FutureTimeout

from pebble import ProcessExpired, ProcessPool

from application.ports.image_processor import ImageProcessor
from application.ports.pixel_runner import Processed
from domain.errors import DomainError, PermanentFailure, TimedOut
from domain.operations import Operation

# Children are forked from a small server process started early, never from the worker itself: forking a process
# that holds an event loop, threads and database connections copies them half-alive.
_CONTEXT = "forkserver"
_PRELOAD = ["adapters.pillow.processor"]


def process(processor: ImageProcessor, data: bytes, operations: tuple[Operation, ...]) -> Processed:
    """The whole of one attempt's pixels: the pipeline, then the preview of its result. Blocking."""
    result, info = processor.run(data, operations)
    return Processed(result, info, processor.preview(result))


def run_in_child(make_processor: Callable[[], ImageProcessor], data: bytes, operations: tuple[Operation, ...]) -> object:
    """Runs in the child: the result, or a domain error (any other error becomes one with its name)."""
    try:
        return process(make_processor(), data, operations)
    except DomainError:
        raise
    except MemoryError:
        raise PermanentFailure("processing ran out of memory") from None
    except Exception as exc:  # a Pillow bug must not become an endless redelivery
        raise PermanentFailure(f"processing failed unexpectedly ({type(exc).__name__})") from None


class ProcessPixelRunner:
    def __init__(self, make_processor: Callable[[], ImageProcessor], processes: int) -> None:
        self.make_processor = make_processor
        self.processes = processes
        self._pool: ProcessPool | None = None

    async def run(self, data: bytes, operations: tuple[Operation, ...], timeout: float) -> Processed:
        future = self._started().schedule(run_in_child, args=(self.make_processor, data, operations), timeout=timeout)
        try:
            return await asyncio.wrap_future(future)  # type: ignore[no-any-return]
        except FutureTimeout:
            raise TimedOut(timeout) from None  # pebble already killed the child and started another
        except ProcessExpired as exc:
            raise PermanentFailure(_death(exc.exitcode)) from None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            await asyncio.to_thread(pool.join)

    def _started(self) -> ProcessPool:
        # Started on first use: an API process beside separate workers never needs one.
        if self._pool is None:
            context = multiprocessing.get_context(_CONTEXT)
            context.set_forkserver_preload(_PRELOAD)
            self._pool = ProcessPool(max_workers=self.processes, context=context)
        return self._pool


async def stopping(runner: ProcessPixelRunner) -> AsyncIterator[ProcessPixelRunner]:
    """A resource's lifetime: the pool starts on first use, and its processes are stopped at the end."""
    yield runner
    await runner.close()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        return f"the processing process was killed ({name}) before it finished; it may have run out of memory"
    return f"the processing process stopped unexpectedly (exit code {exitcode})"
