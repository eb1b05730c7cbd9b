"""What a limit is and where a request falls in its window; shared by the Redis and the in-memory counters."""

from __future__ import annotations

from dataclasses import dataclass

# What either limiter says when it cannot reach its counters (DependencyUnavailable: a 503 with Retry-After).
COUNTERS_UNAVAILABLE = "a service Pixelmill depends on is unavailable; try again shortly"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `limit` requests per identifier in any `window_seconds`, counted under `name`."""

    name: str
    limit: int
    window_seconds: int

    @property
    def window_ms(self) -> int:
        return self.window_seconds * 1000


def position(now_ms: int, limit: Limit) -> tuple[int, int]:
    """The index of the fixed window `now_ms` falls in, and how far into it (ms)."""
    return divmod(now_ms, limit.window_ms)


def over(limit: Limit, current: int, previous: int, elapsed_ms: int) -> bool:
    """Sliding-window estimate: the previous window's count weighted by how much of it still overlaps."""
    window = limit.window_ms
    return previous * (window - elapsed_ms) / window + current + 1 > limit.limit


def seconds_to_wait(limit: Limit, elapsed_ms: int) -> int:
    """Until the current window ends: the earliest moment the estimate can have fallen (at least 1 s)."""
    return max(1, -(-(limit.window_ms - elapsed_ms) // 1000))
