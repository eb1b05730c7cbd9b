"""The API keys page: a key made in the browser is shown once, works as a bearer token, and can be revoked."""

from __future__ import annotations

import re

from tests.e2e.dashboard_client import Site, Visitor, text_of

_SECRET = re.compile(r'id="new-key" type="text" value="(pxm_[^"]+)"')


async def make_key(visitor: Visitor, name: str, scopes: list[str]) -> str:
    await visitor.get("/keys")
    made = await visitor.post("/keys", {"name": name, "scopes": scopes})
    assert made.status_code == 303 and made.headers["location"] == "/keys"
    shown = await visitor.get("/keys")
    match = _SECRET.search(shown.text)
    assert match, "the new key is not on the page"
    return match[1]


async def test_a_new_key_is_shown_once_after_a_redirect_and_works_with_its_scopes(site: Site, visitor: Visitor) -> None:
    secret = await make_key(visitor, "nightly job", ["tasks:read"])

    again = await visitor.get("/keys")
    api = site.visitor().http
    allowed = await api.get("/api/v1/tasks", headers={"authorization": f"Bearer {secret}"})
    refused = await api.get("/api/v1/credits", headers={"authorization": f"Bearer {secret}"})

    assert secret not in again.text  # a reload no longer shows it
    assert "nightly job" in text_of(again) and secret[:12] in again.text
    assert allowed.status_code == 200
    assert refused.status_code == 403


async def test_a_revoked_key_stops_working_and_leaves_the_list(site: Site, visitor: Visitor) -> None:
    secret = await make_key(visitor, "old laptop", ["tasks:read"])
    key_id = re.search(r'action="/keys/([0-9a-f-]{36})/revoke"', (await visitor.get("/keys")).text)[1]  # type: ignore[index]

    revoked = await visitor.post(f"/keys/{key_id}/revoke")

    assert revoked.status_code == 303
    page = await visitor.get(revoked.headers["location"])
    assert "The API key was revoked" in text_of(page) and "old laptop" not in text_of(page)
    answer = await site.visitor().http.get("/api/v1/tasks", headers={"authorization": f"Bearer {secret}"})
    assert answer.status_code == 401


async def test_a_key_without_a_name_is_refused_next_to_the_field(visitor: Visitor) -> None:
    await visitor.get("/keys")

    response = await visitor.post("/keys", {"name": "   ", "scopes": ["tasks:read"]})

    assert response.status_code == 422
    assert "must be 1 to 100 printable characters" in text_of(response)
    assert not _SECRET.search(response.text)
