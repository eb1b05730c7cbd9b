"""taskiq-redis's stream broker, made to ride out Redis outages and to hand out one turn per interval.

RedisStreamBroker acknowledges a message after its job returns (XACK) and re-delivers what a dead consumer
held (XAUTOCLAIM after idle_timeout). Out of the box, a Redis outage kills the listener (and so the worker
process), and a consumer group that does not exist yet stops the start-up; here both are retried instead.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AckableMessage, BrokerMessage
from taskiq.exceptions import SendTaskError
from taskiq.kicker import AsyncKicker
from taskiq_redis import RedisStreamBroker

from domain.errors import DependencyUnavailable

log = logging.getLogger(__name__)
# XAUTOCLAIM runs this many times per idle_timeout at most, not after every read (see _read_and_reclaim).
RECLAIMS_PER_IDLE_TIMEOUT = 4


class ReliableStreamBroker(RedisStreamBroker):
    def __init__(self, url: str, *, reconnect_seconds: float = 1.0, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.reconnect_seconds = reconnect_seconds
        self._next_reclaim = 0.0  # monotonic time of this consumer's next XAUTOCLAIM
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
                async with aclosing(self._read_and_reclaim()) as messages:
                    async for message in messages:
                        yield message
            except (RedisError, OSError) as exc:
                log.warning("lost Redis while listening (%s); reconnecting in %ss", exc, self.reconnect_seconds)
                await asyncio.sleep(self.reconnect_seconds)
                await self._declare_consumer_group()  # a restarted Redis without persistence lost it

    async def _read_and_reclaim(self) -> AsyncGenerator[AckableMessage, None]:
        """taskiq-redis's loop (XREADGROUP, then XAUTOCLAIM under a lock), with the reclaim throttled.

        Upstream reclaims after every read that returned something: a lock, a pipeline and a release, three
        round trips per task. A message is reclaimable only after `idle_timeout`, so looking a few times per
        idle_timeout finds it as soon (within a quarter of it) for a fraction of the cost.
        """
        reclaim_every = self.idle_timeout / 1000 / RECLAIMS_PER_IDLE_TIMEOUT
        async with Redis(connection_pool=self.connection_pool) as redis:
            while True:
                fetched = await redis.xreadgroup(
                    self.consumer_group_name,
                    self.consumer_name,
                    {self.queue_name: ">", **self.additional_streams},
                    block=self.block,
                    noack=False,
                    count=self.count,
                )
                for stream, entries in fetched or ():
                    for entry_id, fields in entries:
                        yield AckableMessage(data=fields[b"data"], ack=self._ack_generator(entry_id, stream))
                if time.monotonic() < self._next_reclaim:
                    continue
                self._next_reclaim = time.monotonic() + reclaim_every
                for stream in [self.queue_name, *self.additional_streams.keys()]:
                    async for message in self._reclaim(redis, stream):
                        yield message

    async def _reclaim(self, redis: Redis, stream: str) -> AsyncGenerator[AckableMessage, None]:
        """What dead consumers held past idle_timeout, as taskiq-redis claims it (one claimer at a time)."""
        pipe = redis.pipeline()
        lock = pipe.lock(f"autoclaim:{self.consumer_group_name}:{stream}", timeout=self.unacknowledged_lock_timeout)
        await lock.acquire()
        await pipe.xautoclaim(
            name=stream,
            groupname=self.consumer_group_name,
            consumername=self.consumer_name,
            min_idle_time=self.idle_timeout,
            count=self.unacknowledged_batch_size,
        )
        await lock.release()
        results = await pipe.execute()
        for entry_id, fields in results[1][1]:
            yield AckableMessage(data=fields[b"data"], ack=self._ack_generator(entry_id, stream))

    async def take_turn(self, name: str, seconds: float) -> bool:
        """True for one caller per `seconds` among every process on this Redis and queue (SET NX PX).

        Raises DependencyUnavailable when Redis is away: nobody can be sure the turn is theirs."""
        try:
            async with Redis(connection_pool=self.connection_pool) as redis:
                key = f"{self.queue_name}:turn:{name}"
                return bool(await redis.set(key, secrets.token_hex(8), nx=True, px=max(1, int(seconds * 1000))))
        except (RedisError, OSError) as exc:
            raise DependencyUnavailable("the task queue is unavailable") from exc

    async def kick_on_turn(self, name: str, seconds: float) -> bool:
        """Kicks the job `name` (no arguments) if this caller won its turn (see take_turn); True when it did.

        Raises DependencyUnavailable when Redis is away, for the turn or for the send."""
        if not await self.take_turn(name, seconds):
            return False
        try:
            await AsyncKicker(task_name=name, broker=self, labels={}).kiq()
        except (SendTaskError, RedisError, OSError) as exc:  # kiq wraps the broker's own error in SendTaskError
            raise DependencyUnavailable("the task queue is unavailable") from exc
        return True
