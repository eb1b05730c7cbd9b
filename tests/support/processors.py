"""Image processors that misbehave on purpose, importable by a child process (so module-level and picklable)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from adapters.pillow.processor import PillowImageProcessor
from domain.operations import Operation
from domain.values import ImageInfo

RUNAWAY_SECONDS = 30.0


class RunawayProcessor(PillowImageProcessor):
    """Writes its process id, then keeps going for far longer than any time limit a test sets."""

    def __init__(self, pid_file: str, seconds: float = RUNAWAY_SECONDS, max_pixels: int = 50_000_000) -> None:
        super().__init__(max_pixels)
        self.pid_file = pid_file
        self.seconds = seconds

    def run(self, data: bytes, operations: tuple[Operation, ...]) -> tuple[bytes, ImageInfo]:
        Path(self.pid_file).write_text(str(os.getpid()))
        time.sleep(self.seconds)
        return super().run(data, operations)


class SelfKillingProcessor(PillowImageProcessor):
    """Dies as the kernel's out-of-memory killer would have it die."""

    def run(self, data: bytes, operations: tuple[Operation, ...]) -> tuple[bytes, ImageInfo]:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")


class HeldProcessor(PillowImageProcessor):
    """Holds every run (in a thread of this process) until released: an attempt as long as a test wants."""

    def __init__(self, max_pixels: int = 50_000_000) -> None:
        super().__init__(max_pixels)
        self.started = threading.Event()
        self.released = threading.Event()

    def run(self, data: bytes, operations: tuple[Operation, ...]) -> tuple[bytes, ImageInfo]:
        self.started.set()
        if not self.released.wait(RUNAWAY_SECONDS):
            raise AssertionError("the test never released the processor")
        return super().run(data, operations)
