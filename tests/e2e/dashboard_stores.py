"""The dashboard on each store: the in-memory fakes, a migrated SQLite file, a PostgreSQL schema of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest

from entrypoints.harness import build_harness
from tests.e2e.conftest import GENEROUS_LIMITS, on_postgres, on_sqlite
from tests.e2e.dashboard_client import Site
from tests.support.lifespan import app_running

STORES = ["harness", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@asynccontextmanager
async def dashboard_on(store: str, directory: Path, **overrides: object) -> AsyncIterator[Site]:
    harness = build_harness(**{**GENEROUS_LIMITS, **overrides})
    site = Site(harness)
    async with AsyncExitStack() as stack:
        if store == "sqlite":
            await stack.enter_async_context(on_sqlite(harness, directory))
        elif store == "postgres":
            await stack.enter_async_context(on_postgres(harness))
        await stack.enter_async_context(app_running(harness.app))
        try:
            yield site
        finally:
            for visitor in site.visitors:
                await visitor.http.aclose()
