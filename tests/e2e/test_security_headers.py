"""Security headers on every answer, error answers included (they used to skip the header middleware)."""

from __future__ import annotations

import pytest

from entrypoints.harness import build_harness
from tests.e2e.conftest import GENEROUS_LIMITS, serving


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/me", 401),
        ("GET", "/api/v1/nowhere", 404),
        ("POST", "/api/v1/auth/login", 400),
        ("GET", "/health", 200),
        ("GET", "/login", 200),
    ],
)
async def test_every_answer_carries_the_security_headers(method: str, path: str, status: int) -> None:
    async with serving(build_harness(**GENEROUS_LIMITS)) as api:
        response = await api.http.request(method, path, content=b"{not json", headers={"content-type": "application/json"})

    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
