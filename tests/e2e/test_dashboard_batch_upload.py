"""The upload form with several files: POST /upload/batch (the page's script, JSON) and POST /upload (no script)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.conftest import jpeg, png
from tests.e2e.dashboard_client import Site, Visitor, text_of

Files = list[tuple[str, tuple[str, bytes, str]]]
SIGNUP_CREDITS = 10


def files(*images: bytes) -> Files:
    return [("image", (f"photo{i}.jpg", image, "image/jpeg")) for i, image in enumerate(images)]


async def send_batch(visitor: Visitor, images: Files, csrf: str | None = None, **fields: Any) -> httpx.Response:
    headers = {"X-CSRF-Token": visitor.csrf if csrf is None else csrf, "Accept": "application/json"}
    return await visitor.http.post("/upload/batch", data={"title": "trip", **fields}, files=images, headers=headers)


async def task_count(visitor: Visitor) -> int:
    listed = await visitor.harness.container.list_tasks()(await visitor.user_id(), None, 100, None)
    return len(listed.items)


async def test_three_files_make_three_tasks_in_file_order_and_charge_three_credits(visitor: Visitor) -> None:
    response = await send_batch(visitor, files(jpeg(10, 10), png(20, 20), jpeg(30, 30)), meta_key="trip", meta_value="goa")

    assert response.status_code == 202, response.text
    body = response.json()
    assert [item["source"]["width"] for item in body["items"]] == [10, 20, 30]
    assert [item["title"] for item in body["items"]] == ["trip 1", "trip 2", "trip 3"]
    assert {item["metadata"]["trip"] for item in body["items"]} == {"goa"}
    assert body["balance"] == SIGNUP_CREDITS - 3 == await visitor.balance()
    assert await task_count(visitor) == 3


async def test_one_undecodable_file_refuses_the_whole_batch_naming_it_and_charges_nothing(visitor: Visitor) -> None:
    response = await send_batch(visitor, files(jpeg(), b"not an image at all", jpeg()))

    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["image[1]"]
    assert await visitor.balance() == SIGNUP_CREDITS
    assert await task_count(visitor) == 0


async def test_a_parameter_out_of_range_is_422_naming_the_operation_field(visitor: Visitor) -> None:
    response = await send_batch(visitor, files(jpeg(), jpeg()), **{"ops-0-op": "blur", "ops-0-radius": "999"})

    assert response.status_code == 422
    assert any(error["field"].startswith("operations[0]") for error in response.json()["errors"]), response.text
    assert await visitor.balance() == SIGNUP_CREDITS


async def test_more_than_twenty_files_are_refused_whole(visitor: Visitor) -> None:
    response = await send_batch(visitor, files(*[jpeg(4, 4)] * 21))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "image"
    assert await task_count(visitor) == 0


async def test_a_batch_the_balance_cannot_pay_for_is_402_and_charges_nothing(site: Site) -> None:
    visitor = await site.visitor().sign_up()
    response = await send_batch(visitor, files(*[jpeg(4, 4)] * (SIGNUP_CREDITS + 1)))

    assert response.status_code == 402
    assert await visitor.balance() == SIGNUP_CREDITS
    assert await task_count(visitor) == 0


async def test_without_the_csrf_token_nothing_is_charged(visitor: Visitor) -> None:
    response = await send_batch(visitor, files(jpeg()), csrf="forged")

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await visitor.balance() == SIGNUP_CREDITS


async def test_without_a_session_it_is_401_problem_json(site: Site) -> None:
    stranger = site.visitor()
    response = await stranger.http.post("/upload/batch", data={"title": "t"}, files=files(jpeg()))

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "log in to see this page"  # the script says so, not a login page's HTML


async def test_the_plain_form_takes_several_files_and_shows_the_history(visitor: Visitor) -> None:
    response = await visitor.post("/upload", {"title": "no script"}, files=files(jpeg(), png()))

    assert response.status_code == 303
    assert response.headers["location"] == "/tasks?notice=batch"
    assert await visitor.balance() == SIGNUP_CREDITS - 2
    page = text_of(await visitor.get("/tasks?notice=batch"))
    assert "one task per image" in page and "no script 1" in page and "no script 2" in page


async def test_the_plain_form_names_the_bad_file_and_charges_nothing(visitor: Visitor) -> None:
    images: Files = [("image", ("good.jpg", jpeg(), "image/jpeg")), ("image", ("notes.jpg", b"words", "image/jpeg"))]
    response = await visitor.post("/upload", {"title": "no script"}, files=images)

    assert response.status_code == 415
    assert "notes.jpg:" in text_of(response)
    assert await visitor.balance() == SIGNUP_CREDITS
    assert await task_count(visitor) == 0
