"""Sliding-window counters in this process's memory (embedded mode: one process serves everything)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from adapters.ratelimit.window import COUNTERS_UNAVAILABLE, Limit, over, position, seconds_to_wait
from domain.errors import DependencyUnavailable

MAX_KEYS = 100_000  # identifiers remembered at once; stale ones go first, then the oldest


class MemoryRateLimiter:
    """Checks and counts without awaiting anything, so the event loop makes each hit atomic: no lock needed."""

    def __init__(self, max_keys: int = MAX_KEYS) -> None:
        self._counts: dict[tuple[str, str], list[int]] = {}  # (limit, identifier) -> [window index, current, previous]
        self._max_keys = max_keys
        self.reachable = True  # False: every hit fails as counters on a Redis that refuses connections (for tests)

    async def hit(self, identifier: str, limits: Sequence[Limit], now_ms: int | None = None) -> int:
        """Counts the request under every limit and returns 0, or counts nothing and returns the seconds to wait.

        Raises DependencyUnavailable when told it is unreachable, as the Redis limiter does when Redis is away."""
        if not self.reachable:
            raise DependencyUnavailable(COUNTERS_UNAVAILABLE)
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        wait = 0
        rows = []
        for limit in limits:
            index, elapsed = position(now_ms, limit)
            row = self._row(limit, identifier, index)
            rows.append(row)
            if over(limit, row[1], row[2], elapsed):
                wait = max(wait, seconds_to_wait(limit, elapsed))
        if not wait:
            for row in rows:
                row[1] += 1
        return wait

    async def close(self) -> None:
        """Nothing to release."""

    def _row(self, limit: Limit, identifier: str, index: int) -> list[int]:
        key = (limit.name, identifier)
        row = self._counts.get(key)
        if row is None:
            self._make_room(index)
            row = self._counts[key] = [index, 0, 0]
        elif row[0] != index:
            # The window moved on: the current count becomes the previous one if it was the window just before.
            row[:] = [index, 0, row[1] if row[0] == index - 1 else 0]
        return row

    def _make_room(self, index: int) -> None:
        if len(self._counts) < self._max_keys:
            return
        # Window indexes differ per limit, so "stale" is judged loosely: nothing counted in this or the last window.
        self._counts = {key: row for key, row in self._counts.items() if row[0] >= index - 1}
        while len(self._counts) >= self._max_keys:
            del self._counts[next(iter(self._counts))]
