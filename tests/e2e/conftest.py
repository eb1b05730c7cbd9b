"""The assembled app over HTTP, in the test's own event loop."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from dependency_injector import providers
from PIL import Image

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade
from entrypoints.harness import Harness, build_harness
from tests.contract.databases import POSTGRES_URL, fresh_postgres_schema, sqlite_url
from tests.support.lifespan import app_running

if TYPE_CHECKING:
    from tests.e2e.dashboard_client import Site, Visitor


@dataclass
class Api:
    """A small client: sign up and log in once, then call routes as that user."""

    http: httpx.AsyncClient
    harness: Harness
    headers: dict[str, str] = field(default_factory=dict)
    _count: int = 0

    async def new_user(self, credits: int | None = None) -> Api:
        self._count += 1
        email = f"user{self._count}-{id(self)}@example.com"
        response = await self.http.post("/api/v1/auth/signup", json={"email": email, "password": "correct horse"})
        assert response.status_code == 201, response.text
        tokens = (await self.http.post("/api/v1/auth/login", json={"email": email, "password": "correct horse"})).json()
        user = Api(self.http, self.harness, {"Authorization": f"Bearer {tokens['access_token']}"})
        user.email, user.tokens = email, tokens  # type: ignore[attr-defined]
        if credits is not None:
            await self.set_credits(user, credits)
        return user

    async def set_credits(self, user: Api, credits: int) -> None:
        balance = (await user.get("/api/v1/credits")).json()["balance"]
        if credits > balance:
            grant = self.harness.container.grant_credits()
            await grant(user.email, credits - balance)  # type: ignore[attr-defined]
        else:
            for _ in range(balance - credits):
                response = await user.submit(title="spend")
                assert response.status_code == 202, response.text

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.get(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.post(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    async def request_delete(self, body: dict[str, Any], path: str = "/api/v1/me") -> httpx.Response:
        """A DELETE with a JSON body (httpx's delete() takes none)."""
        return await self.http.request("DELETE", path, headers=self.headers, json=body)

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.http.delete(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

    async def submit(
        self,
        image: bytes | None = None,
        title: str | None = "a title",
        filename: str = "photo.jpg",
        headers: dict[str, str] | None = None,
        **fields: str,
    ) -> httpx.Response:
        data = {k: v for k, v in {"title": title, **fields}.items() if v is not None}
        files = {"image": (filename, jpeg() if image is None else image, "image/jpeg")}
        return await self.post("/api/v1/tasks", data=data, files=files, headers=headers or {})


def jpeg(width: int = 64, height: int = 48, color: str = "orange") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "JPEG")
    return out.getvalue()


def png(width: int = 32, height: int = 32) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 30, 128)).save(out, "PNG")
    return out.getvalue()


# Limits high enough for functional tests; test_rate_limits.py sets its own.
GENEROUS_LIMITS = {"rate_limit_auth": 10_000, "rate_limit_submit_burst": 10_000, "rate_limit_submit_sustained": 10_000}


@asynccontextmanager
async def serving(harness: Harness) -> AsyncIterator[Api]:
    async with app_running(harness.app):
        transport = httpx.ASGITransport(app=harness.app, client=("203.0.113.7", 4321))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield Api(http, harness)


@asynccontextmanager
async def on_postgres(harness: Harness) -> AsyncIterator[Harness]:
    """The same harness with the real SQLAlchemy unit of work on a PostgreSQL schema of its own."""
    async with fresh_postgres_schema() as schema:
        await upgrade(POSTGRES_URL, schema)
        container = harness.container
        container.uow.reset_override()
        container.engine.override(providers.Singleton(create_engine, POSTGRES_URL, schema=schema))
        try:
            yield harness
        finally:
            await container.engine().dispose()


@asynccontextmanager
async def on_sqlite(harness: Harness, directory: Path) -> AsyncIterator[Harness]:
    """The same harness with the real SQLAlchemy unit of work on a migrated SQLite file of its own."""
    url = sqlite_url(directory)
    await upgrade(url)
    harness.container.uow.reset_override()
    harness.container.engine.override(providers.Singleton(create_engine, url))
    try:
        yield harness
    finally:
        await harness.container.engine().dispose()


@pytest.fixture(params=["harness", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    """The app on the in-memory fakes, and again on real SQLite and PostgreSQL."""
    harness = build_harness(max_upload_bytes=2 * 1024 * 1024, **GENEROUS_LIMITS)
    if request.param == "harness":
        async with serving(harness) as client:
            yield client
    elif request.param == "sqlite":
        async with on_sqlite(harness, tmp_path), serving(harness) as client:
            yield client
    else:
        async with on_postgres(harness), serving(harness) as client:
            yield client


# The dashboard's tests share a site on the fakes and a signed-up visitor; imported late, since the dashboard
# client itself takes its helpers from this module.
@pytest.fixture
async def site() -> AsyncIterator[Site]:
    from tests.e2e.dashboard_client import dashboard

    async with dashboard() as site:
        yield site


@pytest.fixture
async def visitor(site: Site) -> Visitor:
    return await site.visitor().sign_up()
