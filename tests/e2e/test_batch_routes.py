"""POST /api/v1/tasks/batch over HTTP on every store: all or nothing, errors naming the file."""

from __future__ import annotations

import asyncio

import httpx

from tests.e2e.conftest import Api, jpeg, png

Files = list[tuple[str, tuple[str, bytes, str]]]


def files(*images: bytes) -> Files:
    return [("image", (f"photo{i}.jpg", image, "image/jpeg")) for i, image in enumerate(images)]


async def batch(user: Api, images: Files, **fields: str) -> httpx.Response:
    return await user.post("/api/v1/tasks/batch", data={"title": "trip", **fields}, files=images)


async def test_a_batch_answers_202_with_every_task_in_file_order_and_charges_each(api: Api) -> None:
    user = await api.new_user(credits=5)

    response = await batch(user, files(jpeg(10, 10), png(20, 20), jpeg(30, 30)), metadata='{"trip": "goa"}')

    assert response.status_code == 202, response.text
    items = response.json()["items"]
    assert [item["source"]["width"] for item in items] == [10, 20, 30]
    assert {item["status"] for item in items} <= {"queued", "processing", "completed"}
    assert (await user.get("/api/v1/credits")).json() == {"balance": 2}
    ledger = (await user.get("/api/v1/credits/ledger")).json()["items"]
    assert {i["id"] for i in items} <= {e["task_id"] for e in ledger if e["reason"] == "task_charge"}


async def test_a_batch_the_user_cannot_pay_for_is_402_and_charges_nothing(api: Api) -> None:
    user = await api.new_user(credits=2)
    tasks_before = [t["id"] for t in (await user.get("/api/v1/tasks", params={"limit": 100})).json()["items"]]

    response = await batch(user, files(jpeg(), jpeg(), jpeg()))

    assert response.status_code == 402
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await user.get("/api/v1/credits")).json() == {"balance": 2}
    assert [t["id"] for t in (await user.get("/api/v1/tasks", params={"limit": 100})).json()["items"]] == tasks_before


async def test_a_file_that_is_not_an_image_is_415_naming_its_index(api: Api) -> None:
    user = await api.new_user()

    response = await batch(user, files(jpeg(), b"%PDF-1.7 not an image"))

    assert response.status_code == 415
    assert response.json()["errors"][0]["field"] == "image[1]"
    assert (await user.get("/api/v1/credits")).json() == {"balance": 10}


async def test_twenty_one_files_or_none_are_refused(api: Api) -> None:
    user = await api.new_user(credits=30)
    too_many = await batch(user, files(*[jpeg(8, 8)] * 21))
    none = await user.post("/api/v1/tasks/batch", data={"title": "trip"}, files={"other": ("x", b"x", "text/plain")})

    assert too_many.status_code == 422, too_many.text
    assert none.status_code in (400, 422), none.text
    assert (await user.get("/api/v1/credits")).json() == {"balance": 30}


async def test_concurrent_batches_are_each_whole_or_refused_and_never_overspend(api: Api) -> None:
    user = await api.new_user(credits=7)
    tasks_before = len((await user.get("/api/v1/tasks", params={"limit": 100})).json()["items"])

    responses = await asyncio.gather(*(batch(user, files(jpeg(), jpeg(), jpeg()), title=f"b{n}") for n in range(5)))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [202, 202, 402, 402, 402], [r.text for r in responses]
    assert (await user.get("/api/v1/credits")).json() == {"balance": 1}
    tasks = (await user.get("/api/v1/tasks", params={"limit": 100})).json()["items"]
    assert len(tasks) == tasks_before + 6
    ledger = (await user.get("/api/v1/credits/ledger", params={"limit": 100})).json()["items"]
    assert sum(e["delta"] for e in ledger) == 1


async def test_an_api_key_needs_tasks_write_to_send_a_batch(api: Api) -> None:
    user = await api.new_user()
    reader = (await user.post("/api/v1/api-keys", json={"name": "r", "scopes": ["tasks:read"]})).json()["key"]
    writer = (await user.post("/api/v1/api-keys", json={"name": "w", "scopes": ["tasks:write"]})).json()["key"]

    refused = await batch(Api(api.http, api.harness, {"Authorization": f"Bearer {reader}"}), files(jpeg()))
    accepted = await batch(Api(api.http, api.harness, {"Authorization": f"Bearer {writer}"}), files(jpeg()))

    assert (refused.status_code, accepted.status_code) == (403, 202)
