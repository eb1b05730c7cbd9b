"""Accounts cached in this process for a few seconds, checked against a version every process shares in Redis.

A change of state increments the account's version in Redis once it is committed; every read first fetches the
version, so a cached account whose version moved is loaded again: a disable in one API process is seen by the
next request in any other. The version is fetched before the load, so a change racing the load leaves the
entry stale by version, never by content. Redis away: no cache, every read loads (and a change that could not
be announced is seen by the others when their entry expires, after TTL_SECONDS at most).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from uuid import UUID

from cachetools import TTLCache
from redis.asyncio import Redis
from redis.exceptions import RedisError

from domain.users import User

log = logging.getLogger(__name__)

TTL_SECONDS = 3.0
MAX_ACCOUNTS = 10_000  # entries per process: about 2 MB at most


class RedisVersionedAccounts:
    def __init__(
        self,
        redis: Redis,
        prefix: str,
        *,
        ttl_seconds: float = TTL_SECONDS,
        size: int = MAX_ACCOUNTS,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.entries: TTLCache[UUID, tuple[bytes | None, User]] = TTLCache(maxsize=size, ttl=ttl_seconds, timer=timer)

    def _key(self, user_id: UUID) -> str:
        return f"{self.prefix}:account-version:{user_id}"

    async def read(self, user_id: UUID, load: Callable[[], Awaitable[User | None]]) -> User | None:
        try:
            version: bytes | None = await self.redis.get(self._key(user_id))
        except RedisError:
            return await load()
        cached = self.entries.get(user_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        user = await load()
        if user is not None:
            self.entries[user_id] = (version, user)
        return user

    async def changed(self, user_id: UUID) -> None:
        self.entries.pop(user_id, None)
        try:
            await self.redis.incr(self._key(user_id))
        except RedisError:
            log.warning("account %s changed but Redis is away: other processes see it within %s s", user_id, TTL_SECONDS)
