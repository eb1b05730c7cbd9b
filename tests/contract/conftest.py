"""Fixtures of the contract suite: every case runs on the in-memory fake, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from tests.contract.builders import UowFactory
from tests.contract.databases import database

REAL_STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=["memory", *REAL_STORES])
async def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UowFactory]:
    """A zero-argument callable returning a new unit of work on a fresh store of its own."""
    if request.param == "memory":
        store = MemoryDatabase()
        yield lambda: MemoryUnitOfWork(store)
        return
    async with database(request.param, tmp_path) as (url, schema):
        await upgrade(url, schema)
        engine = create_engine(url, schema=schema)
        yield lambda: SqlUnitOfWork(engine)
        await engine.dispose()


@pytest.fixture(params=REAL_STORES)
async def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, str | None]]:
    """The (url, schema) of an empty SQLite file or PostgreSQL schema."""
    async with database(request.param, tmp_path) as url_and_schema:
        yield url_and_schema
