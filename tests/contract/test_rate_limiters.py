"""The rate limiters: the in-memory one and the Redis script honour one contract.

Both count a request under every limit of its kind at once or under none, estimate a sliding window from the
current and the previous fixed window, and say how long to wait. Time is passed in, so nothing here sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.ratelimit.redis import RedisRateLimiter
from adapters.ratelimit.window import Limit
from tests.support.stack import REDIS_URL

T0 = 1_800_000_000_000  # ms, the start of a minute window and of a second window
PER_MINUTE = (Limit("sustained", 3, 60),)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[MemoryRateLimiter | RedisRateLimiter]:
    if request.param == "memory":
        yield MemoryRateLimiter()
        return
    prefix = f"test-rl-{uuid4().hex}"
    real = RedisRateLimiter(Redis.from_url(REDIS_URL), prefix)
    yield real
    cleanup = Redis.from_url(REDIS_URL)
    keys = [key async for key in cleanup.scan_iter(f"{prefix}:*")]
    if keys:
        await cleanup.delete(*keys)
    await cleanup.aclose()
    await real.close()


async def test_the_limit_is_reached_then_refused_with_the_rest_of_the_window_to_wait(limiter) -> None:
    answers = [await limiter.hit("user:a", PER_MINUTE, T0 + 15_000) for _ in range(4)]
    assert answers == [0, 0, 0, 45]


async def test_each_identifier_has_a_counter_of_its_own(limiter) -> None:
    for _ in range(3):
        await limiter.hit("user:a", PER_MINUTE, T0)
    assert await limiter.hit("user:a", PER_MINUTE, T0) > 0
    assert await limiter.hit("user:b", PER_MINUTE, T0) == 0


async def test_a_refused_request_counts_under_no_limit(limiter) -> None:
    burst_and_sustained = (Limit("burst", 1, 1), Limit("sustained", 3, 60))
    assert await limiter.hit("user:a", burst_and_sustained, T0) == 0
    assert await limiter.hit("user:a", burst_and_sustained, T0 + 100) == 1  # the burst refuses...
    assert await limiter.hit("user:a", burst_and_sustained, T0 + 100) == 1
    assert await limiter.hit("user:a", burst_and_sustained, T0 + 2_000) == 0  # ...and the sustained count kept 1
    assert await limiter.hit("user:a", burst_and_sustained, T0 + 4_000) == 0
    assert await limiter.hit("user:a", burst_and_sustained, T0 + 6_000) == 54


async def test_the_previous_window_weighs_by_how_much_of_it_still_overlaps(limiter) -> None:
    for _ in range(3):
        assert await limiter.hit("user:a", PER_MINUTE, T0 + 50_000) == 0
    # 30 s into the next window half of the previous window's 3 still counts: 1.5, so one more fits, not two.
    assert await limiter.hit("user:a", PER_MINUTE, T0 + 90_000) == 0
    assert await limiter.hit("user:a", PER_MINUTE, T0 + 90_000) == 30
    # Two windows on, the old counts are forgotten.
    assert [await limiter.hit("user:a", PER_MINUTE, T0 + 180_000) for _ in range(4)] == [0, 0, 0, 60]


async def test_concurrent_requests_never_get_past_the_limit_together(limiter) -> None:
    answers = await asyncio.gather(*(limiter.hit("user:a", PER_MINUTE, T0) for _ in range(20)))
    assert sorted(answers) == [0] * 3 + [60] * 17


async def test_the_memory_limiter_keeps_a_bounded_number_of_identifiers() -> None:
    limiter = MemoryRateLimiter(max_keys=10)
    for n in range(50):
        await limiter.hit(f"ip:{n}", PER_MINUTE, T0)
    assert len(limiter._counts) <= 10
    assert await limiter.hit("ip:49", PER_MINUTE, T0) == 0  # the newest are kept
