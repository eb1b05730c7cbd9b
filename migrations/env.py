"""Alembic environment, async, for PostgreSQL and SQLite alike.

The database is the `sqlalchemy.url` option, else PIXELMILL_DATABASE_URL, else the embedded default.
Code that already holds a connection passes it as `config.attributes["connection"]` (see
adapters/sqlalchemy/migrate.py); `config.attributes["schema"]` puts the tables and the version table
into that PostgreSQL schema.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.tables import metadata

DEFAULT_URL = "sqlite+aiosqlite:///var/pixelmill.db"

config = context.config
schema: str | None = config.attributes.get("schema")

if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or os.environ.get("PIXELMILL_DATABASE_URL", DEFAULT_URL)


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        # Our SQLite engine emits its own BEGIN, so DDL is transactional there too: all or nothing.
        transactional_ddl=True,
        version_table_schema=schema,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine() -> None:
    engine = create_engine(database_url(), schema=schema)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def run_offline() -> None:
    url = database_url()
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
        version_table_schema=schema,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (connection := config.attributes.get("connection")) is not None:
    run_migrations(connection)
else:
    asyncio.run(run_with_own_engine())
