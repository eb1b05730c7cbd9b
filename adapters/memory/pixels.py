"""A pixel runner on a thread: the fake of the process pool (a thread cannot be killed, only abandoned)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from adapters.pillow.process_pool import process
from application.ports.image_processor import ImageProcessor
from application.ports.pixel_runner import Processed
from domain.errors import TimedOut
from domain.operations import Operation


class ThreadPixelRunner:
    def __init__(self, make_processor: Callable[[], ImageProcessor]) -> None:
        self.make_processor = make_processor

    async def run(self, data: bytes, operations: tuple[Operation, ...], timeout: float) -> Processed:
        try:
            return await asyncio.wait_for(asyncio.to_thread(process, self.make_processor(), data, operations), timeout)
        except TimeoutError:
            raise TimedOut(timeout) from None

    async def close(self) -> None:
        return None

