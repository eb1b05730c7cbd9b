"""Async engines for PostgreSQL (psycopg 3) and SQLite (aiosqlite), set up for concurrent writers."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_PRAGMAS = ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON")
PING_AFTER_IDLE_SECONDS = 5.0
_CHECKED_IN = "pixelmill_checked_in"


def create_engine(
    url: str, *, schema: str | None = None, ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS
) -> AsyncEngine:
    """An engine for the URL; schema (PostgreSQL only) becomes the search_path, so tests get their own tables."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)  # var/ on a fresh checkout
        engine = create_async_engine(parsed, hide_parameters=True)  # errors and logs never carry users' values
        _serialise_sqlite_writers(engine)
        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_async_engine(parsed, connect_args=connect_args, hide_parameters=True)
    _ping_when_idle(engine, ping_after_idle_seconds)
    return engine


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """SQLAlchemy's pre-ping, for connections that sat unused in the pool for `idle_seconds` or more.

    A connection that went away (a server restart, an idle timeout) is replaced at checkout rather than failing
    the first statement; one that was in use a moment ago skips the round trip (a worker checks one out three
    times per task). SQLAlchemy's "pessimistic disconnect handling" recipe, with an idle bound.
    """
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get(_CHECKED_IN)  # None: a connection just made
        if last is None or time.monotonic() - last < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("a pooled connection went away while idle") from exc  # the pool reconnects


def _serialise_sqlite_writers(engine: AsyncEngine) -> None:
    # SQLAlchemy's recipe for real SQLite transactions: the driver's own BEGIN is switched off and
    # BEGIN IMMEDIATE is emitted instead. Each transaction takes the write lock up front and waits
    # (busy_timeout) for it, rather than failing with "database is locked" when a read upgrades to a write.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


async def disposing(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """A resource's lifetime: the engine connects lazily, and its pool is closed at the end."""
    yield engine
    await engine.dispose()
