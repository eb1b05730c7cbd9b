"""Every error a browser meets on the dashboard is a page with the signed-in header, never problem+json."""

from __future__ import annotations

from uuid import UUID, uuid4

from tests.e2e.dashboard_client import Site, Visitor, task_id_of, text_of
from tests.e2e.polling import eventually
from tests.e2e.test_task_routes import truncated_jpeg

HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def signed_in_header(visitor: Visitor, page: str) -> bool:
    return visitor.email in page and "Log out" in page and "10 credits" in page


async def test_an_unknown_address_is_a_not_found_page_with_the_signed_in_header(visitor: Visitor) -> None:
    response = await visitor.http.get("/no/such/page", headers=HTML)

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not found" in text_of(response)
    assert signed_in_header(visitor, text_of(response))


async def test_an_unknown_address_is_a_page_for_a_signed_out_browser_too(site: Site) -> None:
    response = await site.visitor().http.get("/nothing-here", headers=HTML)

    assert response.status_code == 404
    assert "Not found" in text_of(response) and "Log in" in text_of(response)


async def test_api_clients_still_get_problem_json_for_unknown_addresses(site: Site) -> None:
    api = await site.visitor().http.get("/api/v1/nothing", headers=HTML)
    plain = await site.visitor().http.get("/nothing-here", headers={"accept": "application/json"})

    assert api.status_code == plain.status_code == 404
    assert api.headers["content-type"] == plain.headers["content-type"] == "application/problem+json"


async def test_opening_the_upload_address_leads_back_to_the_form(visitor: Visitor) -> None:
    response = await visitor.http.get("/upload", headers=HTML)

    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_opening_a_share_address_leads_back_to_the_task(visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload())

    response = await visitor.http.get(f"/tasks/{task_id}/share", headers=HTML)

    assert response.status_code == 303
    assert response.headers["location"] == f"/tasks/{task_id}"


async def test_a_missing_task_is_a_page_with_the_signed_in_header(visitor: Visitor) -> None:
    response = await visitor.get(f"/tasks/{uuid4()}")

    assert response.status_code == 404
    assert signed_in_header(visitor, text_of(response))


async def test_a_refused_upload_keeps_the_signed_in_header(visitor: Visitor) -> None:
    response = await visitor.upload(image=b"not an image at all")

    assert response.status_code == 415
    assert signed_in_header(visitor, text_of(response))


async def test_lists_show_the_small_preview_not_the_full_result(visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload(title="Tiny"))

    async def status() -> str:
        return str((await visitor.harness.container.get_task()(await visitor.user_id(), UUID(task_id))).status)

    await eventually(status, lambda s: s == "completed")
    home = await visitor.get("/")
    preview = await visitor.http.get(f"/tasks/{task_id}/preview")

    assert f'src="/tasks/{task_id}/preview"' in home.text
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/webp"


async def test_a_failed_task_says_in_words_what_went_wrong_and_what_to_try(visitor: Visitor) -> None:
    task_id = task_id_of(await visitor.upload(image=truncated_jpeg()))
    await visitor.get("/")

    async def page_words() -> str:
        return text_of(await visitor.get(f"/tasks/{task_id}"))

    words = await eventually(page_words, lambda w: "This task failed." in w)

    assert "Its credit was given back to you." in words
    assert "The worker said:" in words
