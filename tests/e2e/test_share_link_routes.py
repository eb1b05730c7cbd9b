"""Share links over HTTP: short, stored, listed, revocable at once, expiring; old JWT links and hostile ids are 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dependency_injector import providers

from adapters.memory.clock import FixedClock
from adapters.system import SystemClock
from application.use_cases.share_links.share_result import ShareResult
from entrypoints.harness import build_harness
from tests.e2e.conftest import GENEROUS_LIMITS, Api, serving
from tests.e2e.test_api_key_routes import as_key, new_key
from tests.e2e.test_task_routes import finished

SHARE_FIELDS = {"id", "url", "page_url", "expires_at", "created_at", "show_original"}


async def completed_task(user: Api) -> str:
    task_id = (await user.submit()).json()["id"]
    assert (await finished(user, task_id))["status"] == "completed"
    return task_id


def path_of(url: str) -> str:
    return url[url.index("/", len("http://")):]


async def test_a_share_link_is_short_downloads_the_result_and_names_its_page(api: Api) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)

    shared = await user.post(f"/api/v1/tasks/{task_id}/share")

    assert shared.status_code == 201, shared.text
    body = shared.json()
    assert set(body) == SHARE_FIELDS and len(body["id"]) == 12 and body["show_original"] is False
    assert body["url"] == f"http://testserver/api/v1/shared/{body['id']}"
    assert body["page_url"] == f"http://testserver/s/{body['id']}"
    download = await api.http.get(path_of(body["url"]))
    result = await user.get(f"/api/v1/tasks/{task_id}/result")
    assert download.status_code == 200 and download.content == result.content
    assert download.headers["content-type"] == result.headers["content-type"]
    original = await api.http.get(path_of(body["url"]) + "/original")
    assert original.status_code == 404  # the owner did not allow before/after


async def test_the_body_chooses_lifetime_and_before_after(api: Api) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)

    shared = await user.post(f"/api/v1/tasks/{task_id}/share", json={"expires_in_seconds": 600, "show_original": True})

    assert shared.status_code == 201, shared.text
    body = shared.json()
    assert body["show_original"] is True
    original = await api.http.get(path_of(body["url"]) + "/original")
    source = await user.get(f"/api/v1/tasks/{task_id}/source")
    assert original.status_code == 200 and original.content == source.content
    for bad in ({"expires_in_seconds": 59}, {"expires_in_seconds": 31 * 24 * 3600}, {"expires_in_seconds": "soon"},
                {"show_original": "yes"}, {"unknown": 1}, [1]):
        response = await user.post(f"/api/v1/tasks/{task_id}/share", json=bad)
        assert response.status_code == 422, (bad, response.text)
    response = await user.post(f"/api/v1/tasks/{task_id}/share", content=b"{", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert len((await user.get(f"/api/v1/tasks/{task_id}/shares")).json()["items"]) == 1


async def test_live_links_are_listed_and_a_revoked_one_is_404_at_once(api: Api) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)
    first = (await user.post(f"/api/v1/tasks/{task_id}/share")).json()
    second = (await user.post(f"/api/v1/tasks/{task_id}/share", json={"show_original": True})).json()

    listed = await user.get(f"/api/v1/tasks/{task_id}/shares")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [second["id"], first["id"]]
    assert listed.json()["next_cursor"] is None and set(listed.json()["items"][0]) == SHARE_FIELDS

    assert (await user.delete(f"/api/v1/tasks/{task_id}/shares/{second['id']}")).status_code == 204

    assert (await api.http.get(path_of(second["url"]))).status_code == 404
    assert (await api.http.get(path_of(second["url"]) + "/original")).status_code == 404
    assert (await api.http.get(path_of(first["url"]))).status_code == 200
    assert [item["id"] for item in (await user.get(f"/api/v1/tasks/{task_id}/shares")).json()["items"]] == [first["id"]]
    assert (await user.delete(f"/api/v1/tasks/{task_id}/shares/{second['id']}")).status_code == 404


async def test_another_users_task_and_links_are_404(api: Api) -> None:
    owner, stranger = await api.new_user(), await api.new_user()
    task_id = await completed_task(owner)
    link = (await owner.post(f"/api/v1/tasks/{task_id}/share")).json()

    assert (await stranger.post(f"/api/v1/tasks/{task_id}/share")).status_code == 404
    assert (await stranger.get(f"/api/v1/tasks/{task_id}/shares")).status_code == 404
    assert (await stranger.delete(f"/api/v1/tasks/{task_id}/shares/{link['id']}")).status_code == 404
    assert (await api.http.get(path_of(link["url"]))).status_code == 200  # still live


async def test_a_task_has_at_most_ten_live_links(api: Api) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)
    links = [(await user.post(f"/api/v1/tasks/{task_id}/share")).json() for _ in range(10)]
    refused = await user.post(f"/api/v1/tasks/{task_id}/share")
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    assert (await user.delete(f"/api/v1/tasks/{task_id}/shares/{links[0]['id']}")).status_code == 204
    assert (await user.post(f"/api/v1/tasks/{task_id}/share")).status_code == 201


async def test_an_expired_link_is_404_and_no_longer_listed(api: Api) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)
    # Links made by a clock eight days behind expired (after the default seven) before this test began.
    past = FixedClock(SystemClock().now() - timedelta(days=8))
    container = api.harness.container
    ttl = timedelta(seconds=container.settings().share_link_seconds)
    with container.share_result.override(providers.Factory(ShareResult, container.uow.provider, past, ttl)):
        expired = (await user.post(f"/api/v1/tasks/{task_id}/share")).json()

    assert (await api.http.get(path_of(expired["url"]))).status_code == 404
    assert (await user.get(f"/api/v1/tasks/{task_id}/shares")).json()["items"] == []
    assert (await user.delete(f"/api/v1/tasks/{task_id}/shares/{expired['id']}")).status_code == 404


async def test_links_of_a_deleted_task_are_404(api: Api) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)
    link = (await user.post(f"/api/v1/tasks/{task_id}/share", json={"show_original": True})).json()
    assert (await user.delete(f"/api/v1/tasks/{task_id}")).status_code == 204
    assert (await api.http.get(path_of(link["url"]))).status_code == 404
    assert (await api.http.get(path_of(link["url"]) + "/original")).status_code == 404


@pytest.mark.parametrize(
    "share_id",
    ["x" * 5000, "%00", "abcdef%00ghijk", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e", "..%2F", "AAAAAAAAAAAA%0A",
     "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl", "%F0%9F%98%80" * 3, "%ED%A0%80"],
)
async def test_hostile_and_old_style_ids_are_404_not_500(api: Api, share_id: str) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)
    for path in (f"/api/v1/shared/{share_id}", f"/api/v1/shared/{share_id}/original"):
        response = await api.http.get(path)
        assert response.status_code == 404, (path[:80], response.status_code, response.text[:200])
    response = await user.delete(f"/api/v1/tasks/{task_id}/shares/{share_id}")
    assert response.status_code == 404, (share_id[:80], response.text[:200])


async def test_an_api_key_lists_with_tasks_read_and_shares_or_revokes_with_tasks_write(api: Api) -> None:
    user = await api.new_user()
    task_id = await completed_task(user)
    reader = as_key(api, str((await new_key(user, scopes=["tasks:read"]))["key"]))
    writer = as_key(api, str((await new_key(user, scopes=["tasks:write"]))["key"]))

    assert (await reader.post(f"/api/v1/tasks/{task_id}/share")).status_code == 403
    link = (await writer.post(f"/api/v1/tasks/{task_id}/share")).json()
    assert (await reader.get(f"/api/v1/tasks/{task_id}/shares")).status_code == 200
    assert (await writer.get(f"/api/v1/tasks/{task_id}/shares")).status_code == 403
    assert (await reader.delete(f"/api/v1/tasks/{task_id}/shares/{link['id']}")).status_code == 403
    assert (await writer.delete(f"/api/v1/tasks/{task_id}/shares/{link['id']}")).status_code == 204


async def test_the_openapi_document_describes_the_share_routes() -> None:
    async with serving(build_harness(**GENEROUS_LIMITS)) as api:
        doc = (await api.http.get("/docs/openapi.json")).json()

    share = doc["paths"]["/api/v1/tasks/{task_id}/share"]["post"]
    assert share["requestBody"]["required"] is False  # an empty body takes the defaults
    assert set(doc["components"]["schemas"]["ShareIn"]["properties"]) == {"expires_in_seconds", "show_original"}
    assert set(doc["components"]["schemas"]["ShareLinkOut"]["properties"]) == SHARE_FIELDS
    assert "get" in doc["paths"]["/api/v1/tasks/{task_id}/shares"]
    assert "delete" in doc["paths"]["/api/v1/tasks/{task_id}/shares/{share_id}"]
    assert "get" in doc["paths"]["/api/v1/shared/{share_id}/original"]
