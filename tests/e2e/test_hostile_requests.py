"""Requests that used to answer 500: a token outliving its account, hostile signed events, out-of-range claims."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import UUID

import jwt
import pytest
from sqlalchemy import delete

from adapters.sqlalchemy import tables
from entrypoints.harness import TEST_SECRET
from tests.e2e.billing import STARTER, deliver_hook, sandbox
from tests.e2e.conftest import Api


async def forget_user(api: Api, user_id: UUID) -> None:
    """The account vanishes (an operator's DELETE) while its access token is still unexpired."""
    if api.harness.container.uow.overridden:
        api.harness.database.state.users.pop(user_id)
        return
    async with api.harness.container.engine().begin() as connection:
        for table in (tables.refresh_tokens, tables.credit_ledger):
            await connection.execute(delete(table).where(table.c.user_id == user_id))
        await connection.execute(delete(tables.users).where(tables.users.c.id == user_id))


async def test_placing_an_order_with_the_token_of_a_deleted_user_is_401_and_stores_nothing(api: Api) -> None:
    user = await api.new_user()
    me = (await user.get("/api/v1/me")).json()
    await forget_user(api, UUID(me["id"]))

    response = await user.post("/api/v1/orders", json={"plan_id": STARTER})

    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("payment.captured\x00", 200),
        ("\x00", 200),
        ("x" * 5000, 200),
        ("payment.\ud800", 400),  # JSON with a lone surrogate is not JSON at all: "a signed body that is not an event"
    ],
)
async def test_a_signed_event_with_an_unstorable_name_is_acknowledged(api: Api, name: str, status: int) -> None:
    body = json.dumps({"entity": "event", "event": name, "payload": {}, "created_at": 1}).encode()
    hook = sandbox(api).signed(body)

    response = await deliver_hook(api.http, hook)
    again = await deliver_hook(api.http, hook)

    assert response.status_code == status, response.text
    assert again.status_code == status, again.text


def forged(**claims: object) -> str:
    """A token signed with the real key (as if the key leaked, or our own bug) with claims outside any date."""
    now = int(datetime.now(UTC).timestamp())
    payload = {"typ": "access", "sub": "00000000-0000-0000-0000-000000000001", "jti": "j", "iss": "pixelmill"}
    return jwt.encode({"iat": now, "exp": now + 60, **payload, **claims}, TEST_SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    "claims", [{"exp": 10**20}, {"exp": -(10**20)}, {"iat": 10**20}, {"iat": -(10**20)}, {"exp": 1e300}]
)
async def test_out_of_range_exp_or_iat_is_401(api: Api, claims: dict[str, object]) -> None:
    response = await api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {forged(**claims)}"})

    assert response.status_code == 401, response.text
