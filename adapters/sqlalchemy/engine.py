"""Async engines for PostgreSQL (psycopg 3) and SQLite (aiosqlite), set up for concurrent writers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_PRAGMAS = ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON")


def create_engine(url: str, *, schema: str | None = None) -> AsyncEngine:
    """An engine for the URL; schema (PostgreSQL only) becomes the search_path, so tests get their own tables."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)  # var/ on a fresh checkout
        engine = create_async_engine(parsed, hide_parameters=True)  # errors and logs never carry users' values
        _serialise_sqlite_writers(engine)
        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    return create_async_engine(parsed, pool_pre_ping=True, connect_args=connect_args, hide_parameters=True)


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
