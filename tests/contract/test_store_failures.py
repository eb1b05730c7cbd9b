"""The same failure is the same domain error on the fake and on each real adapter: no library's exception leaks.

A unique rule broken inside a unit of work is DuplicateRecord on every store (test_unit_of_work.py); here, a
database that refuses the connection is DatabaseUnavailable (a DependencyUnavailable), and so is Redis for the
rate limiter's counters (in memory, told to be unreachable; on Redis, nothing listening).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from redis.asyncio import Redis

from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.ratelimit.redis import RedisRateLimiter
from adapters.ratelimit.window import Limit
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import schema_is_current
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from domain.errors import DatabaseUnavailable, DependencyUnavailable
from tests.contract.builders import UowFactory, a_user


def refusing_store(kind: str, tmp_path: Path, port: int) -> tuple[UowFactory, Callable[[], object]]:
    """A unit of work on a database that is not there, and what closes it."""
    if kind == "memory":
        database = MemoryDatabase()
        database.reachable = False
        return (lambda: MemoryUnitOfWork(database)), lambda: None
    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'no-such-directory' / 'pixelmill.db'}"
        if kind == "sqlite"
        else f"postgresql+psycopg://pixelmill@127.0.0.1:{port}/test"  # nothing listens there
    )
    engine = create_engine(url)
    return (lambda: SqlUnitOfWork(engine)), engine.dispose


@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgres"])
async def test_a_database_that_refuses_the_connection_is_unavailable(
    kind: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    uow_factory, close = refusing_store(kind, tmp_path, unused_tcp_port)
    try:
        with pytest.raises(DatabaseUnavailable):
            async with uow_factory() as uow:
                await uow.users.add(a_user())
                await uow.commit()
        with pytest.raises(DependencyUnavailable):
            async with uow_factory() as uow:
                await uow.users.get(uuid.uuid4())
    finally:
        closing = close()
        if closing is not None:
            await closing  # type: ignore[misc]


async def test_asking_an_unreachable_database_for_its_schema_is_unavailable(unused_tcp_port: int) -> None:
    engine = create_engine(f"postgresql+psycopg://pixelmill@127.0.0.1:{unused_tcp_port}/test")
    try:
        with pytest.raises(DatabaseUnavailable):
            await schema_is_current(engine)
    finally:
        await engine.dispose()


def refusing_limiter(kind: str, port: int) -> MemoryRateLimiter | RedisRateLimiter:
    """Rate-limit counters that cannot be reached."""
    if kind == "memory":
        limiter = MemoryRateLimiter()
        limiter.reachable = False
        return limiter
    client = Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)  # nothing listens there
    return RedisRateLimiter(client, f"pixelmill-test-{uuid.uuid4().hex}")


@pytest.mark.parametrize("kind", ["memory", "redis"])
async def test_rate_limit_counters_that_cannot_be_reached_are_unavailable(kind: str, unused_tcp_port: int) -> None:
    limiter = refusing_limiter(kind, unused_tcp_port)
    try:
        with pytest.raises(DependencyUnavailable):
            await limiter.hit("ip:203.0.113.7", (Limit("auth", 10, 60),))
    finally:
        await limiter.close()
