"""Alembic builds exactly the schema of tables.py on SQLite and PostgreSQL, and takes it down again."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import schema_is_current, upgrade
from adapters.sqlalchemy.tables import metadata
from tests.contract.databases import database, sqlite_url

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"

Database = tuple[str, str | None]


def columns_by_table(connection: Connection) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {table: {column["name"] for column in inspector.get_columns(table)} for table in inspector.get_table_names()}


def differences(connection: Connection) -> list[Any]:
    """What Alembic's autogenerate would change to reach tables.py: types, nullability, keys, indexes."""
    return compare_metadata(MigrationContext.configure(connection), metadata)


async def on(database: Database, check: Any) -> Any:
    url, schema = database
    engine = create_engine(url, schema=schema)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(check)
    finally:
        await engine.dispose()


async def test_upgrade_builds_the_tables_of_tables_py(empty_database: Database) -> None:
    await upgrade(*empty_database)

    expected = {table.name: {column.name for column in table.columns} for table in metadata.sorted_tables}
    assert await on(empty_database, columns_by_table) == {**expected, "alembic_version": {"version_num"}}
    assert await on(empty_database, differences) == []


def rules_by_table(connection: Connection) -> dict[str, dict[str, Any]]:
    """What autogenerate does not compare: CHECK constraints' text and partial indexes' predicates, as the server
    itself renders them, so that a migration and tables.py are compared on the same backend in the same words."""
    inspector = inspect(connection)
    rules: dict[str, dict[str, Any]] = {}
    for table in metadata.sorted_tables:
        checks = {c["name"]: _text(c["sqltext"]) for c in inspector.get_check_constraints(table.name)}
        predicates = {
            index["name"]: {k: _text(v) for k, v in (index.get("dialect_options") or {}).items() if k.endswith("_where")}
            for index in inspector.get_indexes(table.name)
        }
        rules[table.name] = {"checks": checks, "index predicates": predicates}
    return rules


def _text(clause: Any) -> str:
    return " ".join(str(getattr(clause, "text", clause)).split())


async def test_upgrade_builds_the_check_constraints_and_partial_indexes_of_tables_py(
    empty_database: Database, tmp_path: Path
) -> None:
    await upgrade(*empty_database)
    migrated = await on(empty_database, rules_by_table)
    kind = "sqlite" if empty_database[0].startswith("sqlite") else "postgres"
    (tmp_path / "reference").mkdir()
    async with database(kind, tmp_path / "reference") as reference:
        await on_begin(reference, metadata.create_all)
        expected = await on(reference, rules_by_table)

    assert any(rule["checks"] for rule in expected.values()), "the comparison must see CHECK constraints"
    assert any(any(p.values()) for rule in expected.values() for p in rule["index predicates"].values())
    assert migrated == expected


async def on_begin(database: Database, change: Any) -> None:
    url, schema = database
    engine = create_engine(url, schema=schema)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(change)
    finally:
        await engine.dispose()


async def test_the_schema_is_current_after_upgrade_only(empty_database: Database) -> None:
    url, schema = empty_database
    engine = create_engine(url, schema=schema)
    try:
        assert not await schema_is_current(engine)
        await upgrade(url, schema)
        await upgrade(url, schema)  # a second run changes nothing
        assert await schema_is_current(engine)
    finally:
        await engine.dispose()


async def test_downgrade_to_base_through_alembic_ini_drops_every_table(empty_database: Database) -> None:
    url, schema = empty_database
    await upgrade(url, schema)

    def downgrade(connection: Connection) -> None:
        config = Config(ALEMBIC_INI)
        config.attributes.update(connection=connection, schema=schema)
        command.downgrade(config, "base")

    engine = create_engine(url, schema=schema)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
    finally:
        await engine.dispose()

    assert await on(empty_database, columns_by_table) == {"alembic_version": {"version_num"}}


def test_the_alembic_command_migrates_the_database_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = sqlite_url(tmp_path)
    monkeypatch.setenv("PIXELMILL_DATABASE_URL", url)

    config = Config(ALEMBIC_INI)

    command.upgrade(config, "head")  # from outside any event loop, as the alembic command runs

    with sqlite3.connect(tmp_path / "pixelmill.db") as connection:
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    assert version == [(ScriptDirectory.from_config(config).get_current_head(),)]
