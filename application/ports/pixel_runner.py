"""Where pixels run: off the event loop, bounded in time (and, for a real pool, in a process that can be killed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.operations import Operation
from domain.values import ImageInfo


@dataclass(frozen=True)
class Processed:
    """A pipeline's encoded result, what Pillow reports of it, and its small WebP preview."""

    result: bytes
    info: ImageInfo
    preview: bytes


class PixelRunner(Protocol):
    async def run(self, data: bytes, operations: tuple[Operation, ...], timeout: float) -> Processed:
        """The result and its preview; raises TimedOut after `timeout` s, PermanentFailure (with a reason) otherwise."""
        ...

    async def close(self) -> None:
        """Stop every process it started; idempotent."""
        ...
