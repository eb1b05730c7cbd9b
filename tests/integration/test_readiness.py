"""/health/ready turns 503 naming PostgreSQL or Redis while it is away, and 200 once it is back.

Each server is reached through a TCP proxy of the test's own, which the test cuts: the shared servers stay up.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import msgspec
import pytest
from dependency_injector import providers

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.contract.databases import fresh_postgres_schema
from tests.support.lifespan import app_running
from tests.support.tcp_proxy import TcpProxy
from tests.e2e.polling import eventually

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
async def proxies() -> AsyncIterator[dict[str, TcpProxy]]:
    found = {"postgres": TcpProxy("127.0.0.1", 5432), "redis": TcpProxy("127.0.0.1", 6379)}
    for proxy in found.values():
        await proxy.start()
    yield found
    for proxy in found.values():
        await proxy.close()


@pytest.fixture
async def client(proxies: dict[str, TcpProxy], tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with fresh_postgres_schema() as schema:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{proxies['postgres'].port}/test"
        await upgrade(url, schema)
        settings = msgspec.convert(
            {
                "database_url": url,
                "storage_url": f"file://{tmp_path}/blobs",
                "broker_url": f"redis://127.0.0.1:{proxies['redis'].port}/0",
                "queue_name": f"test-ready-{uuid.uuid4().hex}",
                "jwt_secret": "readiness-test-secret-long-enough-for-hs256",
            },
            Settings,
        )
        container = build_container(settings)
        container.engine.override(providers.Singleton(create_engine, url, schema=schema))
        app = create_app(container)
        async with app_running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http


async def test_requests_get_503_while_the_database_is_away(client: httpx.AsyncClient, proxies: dict[str, TcpProxy]) -> None:
    credentials = {"email": "away@example.com", "password": "correct horse"}
    assert (await client.post("/api/v1/auth/signup", json=credentials)).status_code == 201
    token = (await client.post("/api/v1/auth/login", json=credentials)).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    await proxies["postgres"].cut()
    away = await client.get("/api/v1/credits", headers=headers)
    assert away.status_code == 503
    assert away.headers["content-type"].startswith("application/problem+json")
    assert away.headers["retry-after"] == "5"

    await proxies["postgres"].restore()
    back = await eventually(lambda: client.get("/api/v1/credits", headers=headers), lambda r: r.status_code == 200)
    assert back.json() == {"balance": 10}


async def ready(client: httpx.AsyncClient) -> httpx.Response:
    return await client.get("/health/ready")


@pytest.mark.parametrize(("server", "check"), [("postgres", "database"), ("redis", "queue")])
async def test_readiness_follows_a_server_going_away_and_coming_back(
    client: httpx.AsyncClient, proxies: dict[str, TcpProxy], server: str, check: str
) -> None:
    assert (await ready(client)).status_code == 200

    await proxies[server].cut()
    down = await eventually(lambda: ready(client), lambda r: r.status_code == 503)
    checks = down.json()["checks"]
    assert checks[check] != "ok"
    assert all(value == "ok" for name, value in checks.items() if name != check)
    assert (await client.get("/health")).status_code == 200  # alive, just not ready

    await proxies[server].restore()
    back = await eventually(lambda: ready(client), lambda r: r.status_code == 200)
    assert back.json()["checks"] == {"database": "ok", "queue": "ok", "storage": "ok"}
