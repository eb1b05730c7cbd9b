"""An admin disables an account through one API process; another process refuses its access token, refresh
token and API key on the next request, and takes them again once the account is enabled."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.stack import PASSWORD, new_user, production_stack

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


async def test_a_disabled_account_is_refused_at_once_by_another_api_process(tmp_path: Path) -> None:
    async with production_stack(tmp_path, rate_limit_allowlist="127.0.0.1") as stack:
        (_, first), (_, second) = await stack.serve(), await stack.serve()
        async with httpx.AsyncClient(base_url=first) as one, httpx.AsyncClient(base_url=second) as other:
            admin = await new_user(stack, one, 1)
            await stack.run("users", "promote", admin.email)
            user = await new_user(stack, other, 1)
            login = (await other.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})).json()
            key = (await other.post("/api/v1/api-keys", json={"name": "ci"}, headers=user.headers)).json()["key"]
            subject = (await other.get("/api/v1/me", headers=user.headers)).json()["id"]

            async def credentials_answer() -> list[int]:
                return [
                    (await other.get("/api/v1/me", headers=user.headers)).status_code,
                    (await other.get("/api/v1/credits", headers={"Authorization": f"Bearer {key}"})).status_code,
                    (await other.post("/api/v1/auth/refresh", json={"refresh_token": login["refresh_token"]})).status_code,
                ]

            disabled = await one.post(
                f"/api/v1/admin/users/{subject}/disable", json={"reason": "fraud"}, headers=admin.headers
            )
            while_disabled = await credentials_answer()
            enabled = await one.post(
                f"/api/v1/admin/users/{subject}/enable", json={"reason": "cleared"}, headers=admin.headers
            )
            after = await credentials_answer()

    assert (disabled.status_code, enabled.status_code) == (204, 204)
    assert while_disabled == [403, 403, 403]
    assert after == [200, 200, 200]
