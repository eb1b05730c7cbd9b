"""The Redis client shared by what keeps state in Redis beside the broker (the rate-limit counters)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

CONNECT_TIMEOUT_SECONDS = 3


def redis_client(url: str) -> Redis:
    # A pooled connection that a restarted Redis closed is retried at once rather than failing a request;
    # a Redis that is away fails fast.
    return Redis.from_url(
        url, retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2), socket_connect_timeout=CONNECT_TIMEOUT_SECONDS
    )


async def closing(client: Redis | None) -> AsyncIterator[Redis | None]:
    """A resource's lifetime: nothing to open, the pool closed at the end (None: no Redis configured)."""
    yield client
    if client is not None:
        await client.aclose()
