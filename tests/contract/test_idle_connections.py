"""PostgreSQL connections that sat idle in the pool are checked before use; busy ones skip the round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from adapters.sqlalchemy.engine import create_engine
from tests.contract.databases import POSTGRES_URL

pytestmark = pytest.mark.postgres


async def test_a_connection_that_died_while_idle_is_replaced_before_use() -> None:
    engine = create_engine(POSTGRES_URL, ping_after_idle_seconds=0.0)  # every reused connection counts as idle
    admin = create_engine(POSTGRES_URL)
    try:
        async with engine.connect() as connection:
            pid = (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        async with admin.begin() as connection:  # as a server restart or an idle timeout would
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one() != pid
    finally:
        await engine.dispose()
        await admin.dispose()


async def test_a_connection_used_a_moment_ago_is_not_pinged(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_engine(POSTGRES_URL, ping_after_idle_seconds=60.0)
    pings: list[object] = []
    dialect = engine.sync_engine.dialect
    ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(connection) or ping(connection))
    try:
        for _ in range(5):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        assert pings == []
    finally:
        await engine.dispose()
