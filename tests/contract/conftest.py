"""Fixtures of the contract suite: every case runs on the in-memory fake, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from tests.contract.builders import UowFactory

POSTGRES_URL = os.environ.get("PIXELMILL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'pixelmill.db'}"


@asynccontextmanager
async def fresh_postgres_schema() -> AsyncIterator[str]:
    """An empty schema of its own, dropped afterwards. An unreachable server fails the test, never skips it."""
    schema = f"test_{uuid.uuid4().hex}"
    admin = create_engine(POSTGRES_URL)
    try:
        async with admin.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        await admin.dispose()
        pytest.fail(f"PostgreSQL is unreachable at {POSTGRES_URL}: {exc}")
    try:
        yield schema
    finally:
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def postgres_schema() -> AsyncIterator[str]:
    async with fresh_postgres_schema() as schema:
        yield schema


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UowFactory]:
    """A zero-argument callable returning a new unit of work on a fresh store of its own."""
    if request.param == "memory":
        database = MemoryDatabase()
        yield lambda: MemoryUnitOfWork(database)
    elif request.param == "sqlite":
        async with sql_store(sqlite_url(tmp_path)) as new_uow:
            yield new_uow
    else:
        async with fresh_postgres_schema() as schema, sql_store(POSTGRES_URL, schema) as new_uow:
            yield new_uow


@asynccontextmanager
async def sql_store(url: str, schema: str | None = None) -> AsyncIterator[UowFactory]:
    await upgrade(url, schema)
    engine = create_engine(url, schema=schema)
    try:
        yield lambda: SqlUnitOfWork(async_sessionmaker(engine, expire_on_commit=False))
    finally:
        await engine.dispose()
