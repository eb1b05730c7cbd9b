"""Real stores for contract tests: a SQLite file, or a PostgreSQL schema of one's own, both migrated by Alembic."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from adapters.sqlalchemy.engine import create_engine

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


@asynccontextmanager
async def database(kind: str, directory: Path) -> AsyncIterator[tuple[str, str | None]]:
    """The (url, schema) of a fresh, empty database: kind is "sqlite" or "postgres"."""
    if kind == "sqlite":
        yield sqlite_url(directory), None
    else:
        async with fresh_postgres_schema() as schema:
            yield POSTGRES_URL, schema
