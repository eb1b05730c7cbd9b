"""A database that refuses connections is a 503 problem with Retry-After, through the adapter's domain error."""

from __future__ import annotations

from entrypoints.harness import build_harness
from tests.e2e.conftest import serving


async def test_requests_while_the_database_refuses_connections_are_503_with_retry_after() -> None:
    harness = build_harness()
    async with serving(harness) as api:
        user = await api.new_user()
        harness.database.reachable = False

        away = await user.get("/api/v1/credits")

        assert away.status_code == 503
        assert away.headers["content-type"].startswith("application/problem+json")
        assert away.headers["retry-after"] == "5"
        assert away.json()["detail"] == "the database is unavailable; nothing was changed, try again shortly"

        harness.database.reachable = True
        assert (await user.get("/api/v1/credits")).status_code == 200
