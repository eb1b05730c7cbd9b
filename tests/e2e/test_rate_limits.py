"""Rate limits: 429 with Retry-After and a problem body, nothing charged, other routes untouched."""

from __future__ import annotations

from entrypoints.harness import build_harness
from tests.e2e.conftest import serving


async def test_login_attempts_over_the_limit_get_429_with_retry_after() -> None:
    async with serving(build_harness(rate_limit_auth=3)) as api:
        statuses = []
        for _ in range(4):
            response = await api.http.post("/api/v1/auth/login", json={"email": "x@example.com", "password": "wrong pass"})
            statuses.append(response.status_code)
        assert statuses == [401, 401, 401, 429]
        assert int(response.headers["retry-after"]) >= 1
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["status"] == 429
        assert (await api.http.get("/health")).status_code == 200


async def test_a_submission_burst_is_limited_per_user_without_charging() -> None:
    limits = {"rate_limit_auth": 100, "rate_limit_submit_burst": 1000, "rate_limit_submit_sustained": 3}
    async with serving(build_harness(**limits)) as api:
        user, other = await api.new_user(), await api.new_user()
        statuses = [(await user.submit()).status_code for _ in range(5)]
        assert statuses == [202, 202, 202, 429, 429]
        assert (await user.get("/api/v1/credits")).json()["balance"] == 7
        assert (await other.submit()).status_code == 202  # another user has a counter of their own
        assert (await user.get("/api/v1/tasks")).status_code == 200  # reading is not limited


async def test_an_allowlisted_client_is_not_throttled() -> None:
    limits = {"rate_limit_auth": 100, "rate_limit_submit_sustained": 1, "rate_limit_allowlist": "203.0.113.7"}
    async with serving(build_harness(**limits)) as api:
        user = await api.new_user()
        assert [(await user.submit()).status_code for _ in range(3)] == [202, 202, 202]
