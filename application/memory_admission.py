"""Admission by memory: a worker process runs at once only as many pixel jobs as their predicted peaks fit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from domain.errors import PermanentFailure
from domain.memory_budget import MB


class MemoryAdmission:
    """Shared by every attempt in one process; waiting attempts are admitted in arrival order."""

    def __init__(self, capacity_bytes: int) -> None:
        self.capacity = capacity_bytes
        self.held = 0
        self._turns = asyncio.Condition()
        self._queue: list[object] = []

    @asynccontextmanager
    async def hold(self, needed: int) -> AsyncIterator[None]:
        """Wait until `needed` bytes fit, hold them while the block runs; PermanentFailure if they never can."""
        if needed > self.capacity:
            raise PermanentFailure(
                f"the image needs about {needed / MB:,.0f} MB of memory to process, "
                f"more than this worker's budget of {self.capacity / MB:,.0f} MB"
            )
        ticket = object()
        async with self._turns:
            self._queue.append(ticket)
            try:
                # First in, first out: a big job is not starved by a stream of small ones.
                await self._turns.wait_for(lambda: self._queue[0] is ticket and self.held + needed <= self.capacity)
            finally:
                self._queue.remove(ticket)
                self._turns.notify_all()
            self.held += needed
        try:
            yield
        finally:
            async with self._turns:
                self.held -= needed
                self._turns.notify_all()
