"""API keys over HTTP: created once with the key, listed without it, scoped, refused on account routes, revoked."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import providers

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade
from entrypoints.harness import build_harness
from tests.contract.databases import sqlite_url
from tests.e2e.conftest import GENEROUS_LIMITS, Api, serving


def as_key(api: Api, key: str) -> Api:
    return Api(api.http, api.harness, {"Authorization": f"Bearer {key}"})


async def new_key(user: Api, **body: object) -> dict[str, object]:
    response = await user.post("/api/v1/api-keys", json={"name": "ci", **body})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_a_key_is_shown_once_and_listed_without_it(api: Api) -> None:
    user = await api.new_user()
    created = await new_key(user)

    assert str(created["key"]).startswith("pxm_") and len(str(created["key"])) >= 36
    assert set(created) == {"id", "name", "prefix", "scopes", "key", "created_at", "last_used_at"}
    assert created["last_used_at"] is None
    assert created["scopes"] == ["tasks:read", "tasks:write", "credits:read", "billing:read", "billing:write"]
    listed = (await user.get("/api/v1/api-keys")).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert "key" not in listed["items"][0] and listed["next_cursor"] is None
    assert created["key"] not in (await user.get("/api/v1/api-keys")).text


async def test_a_key_works_as_a_bearer_token_within_its_scopes(api: Api) -> None:
    user = await api.new_user()
    reader = as_key(api, str((await new_key(user, scopes=["tasks:read", "credits:read"]))["key"]))

    assert (await reader.get("/api/v1/credits")).json() == {"balance": 10}
    assert (await reader.get("/api/v1/tasks")).status_code == 200
    refused = await reader.submit()
    assert refused.status_code == 403, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "tasks:write" in refused.json()["detail"]
    assert (await reader.get("/api/v1/orders")).status_code == 403
    assert (await user.get("/api/v1/credits")).json() == {"balance": 10}  # nothing was charged


async def test_a_full_key_submits_and_reads_tasks_and_orders(api: Api) -> None:
    user = await api.new_user()
    key = as_key(api, str((await new_key(user))["key"]))

    submitted = await key.submit()
    assert submitted.status_code == 202, submitted.text
    assert (await key.get(f"/api/v1/tasks/{submitted.json()['id']}")).status_code == 200
    assert (await key.get("/api/v1/orders")).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/api-keys", {"name": "escalate"}),
        ("GET", "/api/v1/api-keys", None),
        ("GET", "/api/v1/me", None),
        ("POST", "/api/v1/auth/logout", {"refresh_token": "x"}),
    ],
)
async def test_a_key_never_manages_keys_or_the_account(api: Api, method: str, path: str, body: object) -> None:
    user = await api.new_user()
    key = as_key(api, str((await new_key(user))["key"]))

    response = await key.http.request(method, path, json=body, headers=key.headers)

    assert response.status_code == 403, response.text
    assert response.json()["status"] == 403


async def test_a_key_cannot_delete_a_key(api: Api) -> None:
    user = await api.new_user()
    created = await new_key(user)
    key = as_key(api, str(created["key"]))

    assert (await key.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 403
    assert (await key.get("/api/v1/credits")).status_code == 200


async def test_a_deleted_key_stops_working_at_once_and_another_users_key_is_404(api: Api) -> None:
    user, other = await api.new_user(), await api.new_user()
    created = await new_key(user)
    key = as_key(api, str(created["key"]))
    assert (await key.get("/api/v1/credits")).status_code == 200

    assert (await other.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 404
    assert (await user.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 204

    refused = await key.get("/api/v1/credits")
    assert refused.status_code == 401
    assert (await user.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 404


async def test_last_used_at_shows_the_first_use(api: Api) -> None:
    user = await api.new_user()
    created = await new_key(user)
    await as_key(api, str(created["key"])).get("/api/v1/credits")

    listed = (await user.get("/api/v1/api-keys")).json()["items"][0]
    assert listed["last_used_at"] is not None


@pytest.mark.parametrize("body", [{"name": ""}, {"name": "ci", "scopes": ["root"]}, {"name": "ci", "scopes": []}, {}])
async def test_a_bad_key_request_is_422(api: Api, body: dict[str, object]) -> None:
    user = await api.new_user()
    response = await user.post("/api/v1/api-keys", json=body)
    assert response.status_code == 422, response.text


async def test_the_twenty_first_live_key_is_409(api: Api) -> None:
    user = await api.new_user()
    for i in range(20):
        await new_key(user, name=f"key {i}")
    response = await user.post("/api/v1/api-keys", json={"name": "too many"})
    assert response.status_code == 409
    assert response.json()["status"] == 409


async def test_revocation_on_one_api_process_is_seen_by_another_at_once(tmp_path: Path) -> None:
    """Two apps (two API processes' worth of state) on one database: no cache may keep a revoked key alive."""
    url = sqlite_url(tmp_path)
    await upgrade(url)
    first, second = build_harness(**GENEROUS_LIMITS), build_harness(**GENEROUS_LIMITS)
    for harness in (first, second):
        harness.container.uow.reset_override()
        harness.container.engine.override(providers.Singleton(create_engine, url))
    try:
        async with serving(first) as one, serving(second) as two:
            user = await one.new_user()
            created = await new_key(user)
            on_two = as_key(two, str(created["key"]))
            assert (await on_two.get("/api/v1/credits")).status_code == 200

            assert (await user.delete(f"/api/v1/api-keys/{created['id']}")).status_code == 204

            assert (await on_two.get("/api/v1/credits")).status_code == 401
    finally:
        for harness in (first, second):
            await harness.container.engine().dispose()
