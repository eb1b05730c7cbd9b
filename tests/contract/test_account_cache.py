"""The account cache: without Redis every read loads; with Redis an entry lives a few seconds and a change
announced by any process (another instance on the same prefix) makes the next read load again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from redis.asyncio import Redis

from adapters.memory.account_cache import UncachedAccounts
from adapters.redis.account_cache import TTL_SECONDS, RedisVersionedAccounts
from domain.users import User
from tests.contract.builders import a_user
from tests.support.stack import REDIS_URL

pytestmark = pytest.mark.redis


class Store:
    """The database's copy of one account, counting the loads."""

    def __init__(self, user: User) -> None:
        self.user: User | None = user
        self.loads = 0

    async def load(self) -> User | None:
        self.loads += 1
        return self.user


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    prefix = f"test-accounts-{uuid4().hex}"
    yield prefix
    cleanup = Redis.from_url(REDIS_URL)
    keys = [key async for key in cleanup.scan_iter(f"{prefix}:*")]
    if keys:
        await cleanup.delete(*keys)
    await cleanup.aclose()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def test_without_redis_every_read_loads() -> None:
    store, cache = Store(a_user()), UncachedAccounts()
    assert store.user is not None
    for _ in range(3):
        assert await cache.read(store.user.id, store.load) == store.user
    assert store.loads == 3


async def test_an_account_is_loaded_once_then_served_until_its_entry_expires(redis: Redis, prefix: str) -> None:
    clock = Clock()
    user = a_user()
    store, cache = Store(user), RedisVersionedAccounts(redis, prefix, timer=clock)

    reads = [await cache.read(user.id, store.load) for _ in range(5)]
    clock.now += TTL_SECONDS + 0.1
    after_expiry = await cache.read(user.id, store.load)

    assert reads == [user] * 5 and after_expiry == user
    assert store.loads == 2


async def test_a_change_announced_by_another_process_is_seen_by_the_next_read(redis: Redis, prefix: str) -> None:
    user = a_user()
    store = Store(user)
    here, elsewhere = RedisVersionedAccounts(redis, prefix), RedisVersionedAccounts(redis, prefix)
    await here.read(user.id, store.load)

    store.user = replace(user, disabled_at=datetime(2026, 12, 2, tzinfo=UTC))  # committed by the other process
    await elsewhere.changed(user.id)

    assert await here.read(user.id, store.load) == store.user
    assert store.loads == 2
    assert await here.read(user.id, store.load) == store.user  # cached again, under the new version
    assert store.loads == 2


async def test_a_change_only_empties_its_own_account(redis: Redis, prefix: str) -> None:
    ada, bob = Store(a_user()), Store(a_user())
    cache = RedisVersionedAccounts(redis, prefix)
    for store in (ada, bob):
        assert store.user is not None
        await cache.read(store.user.id, store.load)
    assert ada.user is not None and bob.user is not None

    await cache.changed(ada.user.id)
    await cache.read(ada.user.id, ada.load)
    await cache.read(bob.user.id, bob.load)

    assert (ada.loads, bob.loads) == (2, 1)


async def test_the_cache_holds_a_bounded_number_of_accounts(redis: Redis, prefix: str) -> None:
    cache = RedisVersionedAccounts(redis, prefix, size=2)
    stores = [Store(a_user()) for _ in range(3)]
    for store in stores:
        assert store.user is not None
        await cache.read(store.user.id, store.load)
    assert len(cache.entries) == 2


async def test_with_redis_away_every_read_loads_and_a_change_is_not_an_error(prefix: str) -> None:
    away = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=1)
    user = a_user()
    store, cache = Store(user), RedisVersionedAccounts(away, prefix)

    assert [await cache.read(user.id, store.load) for _ in range(2)] == [user, user]
    await cache.changed(user.id)

    assert store.loads == 2
    await away.aclose()
