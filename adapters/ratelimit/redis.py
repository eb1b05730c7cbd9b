"""Sliding-window counters in Redis, shared by every API process: one script call (one round trip) per request."""

from __future__ import annotations

import time
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.ratelimit.window import COUNTERS_UNAVAILABLE, Limit, position, seconds_to_wait
from domain.errors import DependencyUnavailable

# KEYS: per limit, the current window's key then the previous one's. ARGV: per limit, limit, window ms, elapsed ms.
# All limits are checked before any is counted, so a refused request uses up nothing.
HIT = """
local n = #KEYS / 2
local over = {}
for i = 1, n do
  local limit, window, elapsed = tonumber(ARGV[3*i-2]), tonumber(ARGV[3*i-1]), tonumber(ARGV[3*i])
  local current = tonumber(redis.call('GET', KEYS[2*i-1]) or '0')
  local previous = tonumber(redis.call('GET', KEYS[2*i]) or '0')
  if previous * (window - elapsed) / window + current + 1 > limit then
    over[#over + 1] = i
  end
end
if #over > 0 then
  return over
end
for i = 1, n do
  redis.call('INCR', KEYS[2*i-1])
  redis.call('PEXPIRE', KEYS[2*i-1], 2 * tonumber(ARGV[3*i-1]))
end
return over
"""


class RedisRateLimiter:
    """Counters under `prefix`; the script is sent by its digest (EVALSHA), and in full only when Redis lacks it."""

    def __init__(self, client: Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._script = client.register_script(HIT)

    async def hit(self, identifier: str, limits: Sequence[Limit], now_ms: int | None = None) -> int:
        """Counts the request under every limit and returns 0, or counts nothing and returns the seconds to wait.

        Raises DependencyUnavailable when Redis is away: the counters live there and nothing falls back."""
        now_ms = int(time.time() * 1000) if now_ms is None else now_ms
        keys: list[str] = []
        args: list[int] = []
        elapsed_by_limit = []
        for limit in limits:
            index, elapsed = position(now_ms, limit)
            base = f"{self._prefix}:{limit.name}:{identifier}:"
            keys += [f"{base}{index}", f"{base}{index - 1}"]
            args += [limit.limit, limit.window_ms, elapsed]
            elapsed_by_limit.append(elapsed)
        try:
            refused = await self._script(keys=keys, args=args)
        except (RedisError, OSError) as exc:
            raise DependencyUnavailable(COUNTERS_UNAVAILABLE) from exc
        return max((seconds_to_wait(limits[i - 1], elapsed_by_limit[i - 1]) for i in refused), default=0)

    async def close(self) -> None:
        """Closes the client's connections."""
        await self._client.aclose()
