"""The webhooks page: an endpoint added in the browser shows its secret once, lists, logs deliveries, and deletes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.outbound_webhooks import Delivery, EventType
from tests.e2e.dashboard_client import Site, Visitor, text_of

_SECRET = re.compile(r'id="new-secret" type="text" value="(whsec_[^"]+)"')
_ENDPOINT = re.compile(r'action="/webhooks/([0-9a-f-]{36})/delete"')
PUBLIC_URL = "https://93.184.216.34/hooks"


async def add_endpoint(visitor: Visitor, url: str = PUBLIC_URL, events: list[str] | None = None) -> tuple[str, str]:
    """(endpoint id, secret) of an endpoint added through the form."""
    await visitor.get("/webhooks")
    made = await visitor.post("/webhooks", {"url": url, "events": events or ["task.completed"], "low_credits_below": "5"})
    assert made.status_code == 303 and made.headers["location"] == "/webhooks", made.text
    shown = await visitor.get("/webhooks")
    secret, endpoint = _SECRET.search(shown.text), _ENDPOINT.search(shown.text)
    assert secret and endpoint, "the new endpoint or its secret is not on the page"
    return endpoint[1], secret[1]


async def test_a_new_endpoint_shows_its_secret_once_and_lists_with_its_events(site: Site, visitor: Visitor) -> None:
    endpoint_id, secret = await add_endpoint(visitor, events=["task.completed", "credits.low"])

    again = await visitor.get("/webhooks")
    listed = (await visitor.harness.container.list_webhook_endpoints()(await visitor.user_id(), 20, None)).items

    assert secret not in again.text  # a reload no longer shows it
    assert PUBLIC_URL in text_of(again) and "task.completed, credits.low" in text_of(again)
    assert [str(e.id) for e in listed] == [endpoint_id] and listed[0].secret == secret


@pytest.mark.parametrize(
    ("fields", "field_words"),
    [
        ({"url": "https://127.0.0.1/x", "events": ["task.completed"]}, "url"),
        ({"url": "ftp://files.example/", "events": ["task.completed"]}, "url"),
        ({"url": PUBLIC_URL}, "events"),
        ({"url": PUBLIC_URL, "events": ["task.completed"], "low_credits_below": "lots"}, "must be a whole number"),
        ({"url": PUBLIC_URL, "events": ["task.completed"], "low_credits_below": "0"}, "must be 1 to"),
    ],
)
async def test_a_refused_endpoint_comes_back_next_to_its_field_and_stores_nothing(
    visitor: Visitor, fields: dict[str, object], field_words: str
) -> None:
    await visitor.get("/webhooks")

    response = await visitor.post("/webhooks", fields)

    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text or 'field-invalid' in response.text
    assert field_words in response.text
    assert not _SECRET.search(response.text)
    assert (await visitor.harness.container.list_webhook_endpoints()(await visitor.user_id(), 20, None)).items == []


async def test_the_delivery_log_shows_each_event_with_its_attempts_and_last_answer(visitor: Visitor) -> None:
    endpoint_id, _ = await add_endpoint(visitor)
    now = datetime.now(UTC)
    async with visitor.harness.container.uow() as uow:
        await uow.deliveries.add(Delivery(uuid4(), UUID(endpoint_id), EventType.TASK_COMPLETED, "{}", now, now + timedelta(minutes=1)))
        await uow.commit()

    log = await visitor.get(f"/webhooks/{endpoint_id}")

    assert log.status_code == 200
    assert "task.completed" in text_of(log) and "pending" in text_of(log) and PUBLIC_URL in text_of(log)


async def test_another_users_endpoint_is_a_404_page_for_its_log_and_its_delete(site: Site, visitor: Visitor) -> None:
    endpoint_id, _ = await add_endpoint(visitor)
    other = await site.visitor().sign_up()
    await other.get("/webhooks")

    log = await other.get(f"/webhooks/{endpoint_id}")
    deleted = await other.post(f"/webhooks/{endpoint_id}/delete")

    assert log.status_code == 404 and deleted.status_code == 404
    assert "text/html" in log.headers["content-type"] and "Not found" in text_of(log)
    assert PUBLIC_URL in text_of(await visitor.get("/webhooks"))


async def test_a_deleted_endpoint_leaves_the_list_and_its_log_is_gone(visitor: Visitor) -> None:
    endpoint_id, _ = await add_endpoint(visitor)

    deleted = await visitor.post(f"/webhooks/{endpoint_id}/delete")

    assert deleted.status_code == 303
    page = await visitor.get(deleted.headers["location"])
    assert "The webhook endpoint was deleted" in text_of(page) and PUBLIC_URL not in text_of(page)
    assert (await visitor.get(f"/webhooks/{endpoint_id}")).status_code == 404


async def test_a_form_without_its_csrf_token_is_refused(visitor: Visitor) -> None:
    await visitor.get("/webhooks")

    response = await visitor.post("/webhooks", {"url": PUBLIC_URL, "events": ["task.completed"]}, csrf=False)

    assert response.status_code == 403
    assert (await visitor.harness.container.list_webhook_endpoints()(await visitor.user_id(), 20, None)).items == []


async def test_the_webhooks_page_needs_a_login(site: Site) -> None:
    response = await site.visitor().get("/webhooks")

    assert response.status_code == 303 and response.headers["location"].startswith("/login")
