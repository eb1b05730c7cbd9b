"""A browser without a browser: cookies, the CSRF token of the last page, forms posted as a browser posts them."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

import httpx

from entrypoints.harness import Harness, build_harness
from tests.e2e.conftest import GENEROUS_LIMITS, jpeg
from tests.support.lifespan import app_running

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_TASK_URL = re.compile(r"/tasks/([0-9a-f-]{36})$")


@dataclass
class Visitor:
    http: httpx.AsyncClient
    harness: Harness
    csrf: str = ""
    email: str = ""

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        """GET a page and keep its CSRF token for the next form, as the page's forms carry it."""
        response = await self.http.get(path, **kwargs)
        if match := _CSRF.search(response.text if "html" in response.headers.get("content-type", "") else ""):
            self.csrf = match[1]
        return response

    async def post(self, path: str, data: dict[str, Any] | None = None, csrf: bool = True, **kwargs: Any) -> httpx.Response:
        fields = {**(data or {}), **({"csrf_token": self.csrf} if csrf else {})}
        return await self.http.post(path, data=fields, **kwargs)

    async def sign_up(self, email: str | None = None, password: str = PASSWORD) -> Visitor:
        self.email = email or f"visitor-{uuid4().hex[:10]}@example.com"
        await self.get("/signup")
        response = await self.post("/signup", {"email": self.email, "password": password})
        assert response.status_code == 303, response.text
        await self.get("/")
        return self

    async def upload(self, image: bytes | None = None, title: str = "A title", **fields: Any) -> httpx.Response:
        files = {"image": ("photo.jpg", jpeg() if image is None else image, "image/jpeg")}
        return await self.post("/upload", {"title": title, **fields}, files=files)

    async def balance(self) -> int:
        return int(await self.harness.container.get_balance()(await self.user_id()))

    async def user_id(self) -> Any:
        async with self.harness.container.uow() as uow:
            user = await uow.users.get_by_email(self.email)
        assert user is not None
        return user.id


def task_id_of(response: httpx.Response) -> str:
    match = _TASK_URL.search(response.headers.get("location", ""))
    assert match, f"no task page in {response.status_code} {response.headers.get('location')}"
    return match[1]


def text_of(response: httpx.Response) -> str:
    """The page's text with tags dropped and entities decoded, for assertions in words."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)))


@dataclass
class Site:
    harness: Harness
    visitors: list[Visitor] = field(default_factory=list)

    def visitor(self, base_url: str = "http://testserver") -> Visitor:
        transport = httpx.ASGITransport(app=self.harness.app, client=("203.0.113.9", 5555))
        visitor = Visitor(httpx.AsyncClient(transport=transport, base_url=base_url), self.harness)
        self.visitors.append(visitor)
        return visitor


@asynccontextmanager
async def dashboard(**overrides: object) -> AsyncIterator[Site]:
    harness = build_harness(**{**GENEROUS_LIMITS, **overrides})
    site = Site(harness)
    async with app_running(harness.app):
        try:
            yield site
        finally:
            for visitor in site.visitors:
                await visitor.http.aclose()
