"""The API's documentation: the OpenAPI document, its three renderings, and the README's tour kept honest."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from entrypoints.harness import build_harness
from tests.e2e.conftest import Api, serving

README = Path(__file__).resolve().parents[2] / "README.md"
# `/api/v1/tasks/{id}/result`, `/api/v1/webhooks/razorpay`: a path as the README writes it, up to a space or quote;
# one that ends in `/` (`/api/v1/admin/`) names the routes below it.
API_PATH = re.compile(r"(/api/v1/[A-Za-z0-9_{}<>/.-]*[A-Za-z0-9_}>/])")


@pytest.fixture
async def docs() -> AsyncIterator[Api]:
    async with serving(build_harness()) as client:
        yield client


@pytest.mark.parametrize(("path", "marker"), [("/docs", "swagger-ui"), ("/docs/scalar", "scalar"), ("/docs/redoc", "redoc")])
async def test_each_docs_page_renders_the_openapi_document(docs: Api, path: str, marker: str) -> None:
    page = await docs.http.get(path)
    assert page.status_code == 200, path
    assert page.headers["content-type"].startswith("text/html")
    assert marker in page.text.lower()
    # Swagger UI and ReDoc carry the document inline; Scalar fetches it.
    assert '"/api/v1/tasks"' in page.text or 'data-url="/docs/openapi.json"' in page.text


async def test_the_docs_pages_may_load_their_scripts_from_the_cdn(docs: Api) -> None:
    page = await docs.http.get("/docs/redoc")
    csp = page.headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in csp and "worker-src 'self' blob:" in csp


def test_the_readme_points_nowhere_outside_the_repository() -> None:
    text = README.read_text()
    assert "../" not in text, "the README must read on its own, in a fresh clone"


async def test_every_api_route_the_readme_names_exists(docs: Api) -> None:
    document = (await docs.http.get("/docs/openapi.json")).json()
    known = {_shape(path) for path in document["paths"]}
    named = {_shape(path) for path in API_PATH.findall(README.read_text())}
    assert len(named) >= 10, "the README's API tour is missing"
    unserved = {path for path in named if not any(_serves(route, path) for route in known)}
    assert unserved == set(), "the README names routes the app does not serve"


def _shape(path: str) -> str:
    """`/api/v1/tasks/{task_id}` and `/api/v1/tasks/<id>` are the same route."""
    return re.sub(r"\{[^}]*\}|<[^>]*>", "{}", path)


def _serves(route: str, named: str) -> bool:
    return route.startswith(named) if named.endswith("/") else route == named.rstrip("/")
