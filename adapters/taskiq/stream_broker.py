"""taskiq-redis's stream broker, made to ride out Redis outages and to hand out one turn per interval.

RedisStreamBroker acknowledges a message after its job returns (XACK) and re-delivers what a dead consumer
held (XAUTOCLAIM after idle_timeout). Out of the box, a Redis outage kills the listener (and so the worker
process), and a consumer group that does not exist yet stops the start-up; here both are retried instead.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AckableMessage, BrokerMessage
from taskiq_redis import RedisStreamBroker

log = logging.getLogger(__name__)


class ReliableStreamBroker(RedisStreamBroker):
    def __init__(self, url: str, *, reconnect_seconds: float = 1.0, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.reconnect_seconds = reconnect_seconds
        # One client on the broker's pool for every send and ack: taskiq-redis builds a new one per message,
        # which costs more CPU than the XADD itself (each copies ~170 response callbacks).
        self._client = Redis(connection_pool=self.connection_pool)

    async def kick(self, message: BrokerMessage) -> None:
        """XADD to the stream, as taskiq-redis does, on the shared client."""
        queue_name = message.labels.get("queue_name") or self.queue_name
        await self._client.xadd(queue_name, {b"data": message.message}, maxlen=self.maxlen, approximate=self.approximate)

    def _ack_generator(self, id: str, queue_name: str) -> Callable[[], Awaitable[None]]:
        async def ack() -> None:
            await self._client.xack(queue_name, self.consumer_group_name, id)

        return ack

    async def _declare_consumer_group(self) -> None:
        # With consumer_id="0" a group made late still delivers what was sent before it: an API may start,
        # and accept tasks, while Redis is away; the first worker to reach Redis makes the group.
        try:
            await super()._declare_consumer_group()
        except (RedisError, OSError) as exc:
            log.warning("cannot reach Redis to create the consumer group (%s); trying again later", exc)

    async def listen(self) -> AsyncGenerator[AckableMessage, None]:
        """Messages for this consumer, forever: a lost connection is retried, not fatal."""
        while True:
            try:
                async with aclosing(super().listen()) as messages:
                    async for message in messages:
                        yield message
            except (RedisError, OSError) as exc:
                log.warning("lost Redis while listening (%s); reconnecting in %ss", exc, self.reconnect_seconds)
                await asyncio.sleep(self.reconnect_seconds)
                await self._declare_consumer_group()  # a restarted Redis without persistence lost it

    async def take_turn(self, name: str, seconds: float) -> bool:
        """True for one caller per `seconds` among every process on this Redis and queue (SET NX PX)."""
        async with Redis(connection_pool=self.connection_pool) as redis:
            key = f"{self.queue_name}:turn:{name}"
            return bool(await redis.set(key, secrets.token_hex(8), nx=True, px=max(1, int(seconds * 1000))))
