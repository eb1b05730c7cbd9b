"""Alembic from code: upgrade to head, and ask whether a database is at head (for `migrate` and `serve`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

import migrations
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.failures import database_errors


def alembic_config(connection: Connection | None = None, schema: str | None = None) -> Config:
    """A config without alembic.ini, so it works wherever the package is installed."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["connection"] = connection
    config.attributes["schema"] = schema
    return config


async def upgrade(url: str, schema: str | None = None) -> None:
    """Migrate the database to head in one transaction; schema (PostgreSQL) must exist already."""
    engine = create_engine(url, schema=schema)
    try:
        # The migration shares our connection, so no second event loop or thread is needed.
        async with database_errors(), engine.begin() as connection:
            await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync, schema), "head"))
    finally:
        await engine.dispose()


async def schema_is_current(engine: AsyncEngine) -> bool:
    """Whether the database has every migration applied (and no unknown one)."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    async with database_errors(), engine.connect() as connection:
        current = await connection.run_sync(lambda sync: set(MigrationContext.configure(sync).get_current_heads()))
    return current == heads
