"""Webhook endpoints page: add one (its `whsec_` secret shown once, after a redirect), list, delete, delivery log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from application.use_cases.webhooks.endpoints import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    ListDeliveries,
    ListWebhookEndpoints,
    NewEndpoint,
)
from domain.errors import FieldError, ValidationFailed
from domain.outbound_webhooks import LOW_CREDITS_DEFAULT, MAX_ENDPOINTS, EventType
from domain.users import User
from entrypoints.http.controllers.credits import Cursor
from entrypoints.http.dashboard.shown_once import ShownOnce
from entrypoints.http.dashboard.views import page, see_other

PATH = "/webhooks"
DELIVERIES_PAGE_SIZE = 25
NEW_SECRET = ShownOnce("pixelmill_new_webhook_secret", PATH)
EVENT_WORDS = {
    EventType.TASK_COMPLETED: "A task finished",
    EventType.TASK_FAILED: "A task failed (and was refunded)",
    EventType.CREDITS_PURCHASED: "Credits were bought",
    EventType.CREDITS_LOW: "The balance fell below a threshold",
}


def _threshold(raw: str) -> int | None:
    if not raw.strip():
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed(FieldError("low_credits_below", "must be a whole number")) from None


class WebhooksPageController(Controller):
    path = PATH

    @get("/", summary="Webhook endpoints page")
    async def endpoints(
        self, request: Request[Any, Any, Any], viewer: User, list_webhook_endpoints: ListWebhookEndpoints
    ) -> Template:
        """The endpoints, the form for a new one, and a new endpoint's secret right after it was added."""
        secret = NEW_SECRET.read(request)
        return await _endpoints_page(request, viewer, list_webhook_endpoints, {}, {}, secret)

    @post("/", summary="Add a webhook endpoint")
    async def create(
        self,
        request: Request[Any, Any, Any],
        viewer: User,
        create_webhook_endpoint: CreateWebhookEndpoint,
        list_webhook_endpoints: ListWebhookEndpoints,
    ) -> Template | Redirect:
        """Redirects to the page, which shows the secret once; a refused URL comes back next to its field."""
        form = await request.form()
        entered = {
            "url": str(form.get("url") or "").strip(),
            "events": [str(value) for value in form.getall("events", [])],
            "low_credits_below": str(form.get("low_credits_below") or ""),
        }
        try:
            new = NewEndpoint(entered["url"], entered["events"], _threshold(entered["low_credits_below"]))
            endpoint = await create_webhook_endpoint(viewer.id, new)
        except ValidationFailed as exc:
            errors = {e.field: e.message for e in exc.errors}
            return await _endpoints_page(request, viewer, list_webhook_endpoints, errors, entered, None, 422)
        redirect = see_other(PATH)
        NEW_SECRET.carry(redirect, endpoint.secret)
        return redirect

    @post("/{endpoint_id:uuid}/delete", summary="Delete a webhook endpoint")
    async def remove(self, endpoint_id: UUID, viewer: User, delete_webhook_endpoint: DeleteWebhookEndpoint) -> Redirect:
        """Nothing more is sent to it; another user's endpoint is a 404 page."""
        await delete_webhook_endpoint(viewer.id, endpoint_id)
        return see_other(f"{PATH}?notice=endpoint-deleted")

    @get("/{endpoint_id:uuid}", summary="A webhook endpoint's delivery log")
    async def deliveries(
        self,
        request: Request[Any, Any, Any],
        endpoint_id: UUID,
        viewer: User,
        list_deliveries: ListDeliveries,
        list_webhook_endpoints: ListWebhookEndpoints,
        cursor: Cursor = None,
    ) -> Template:
        """Each event sent or to be sent, newest first, with its attempts and the last answer."""
        result = await list_deliveries(viewer.id, endpoint_id, DELIVERIES_PAGE_SIZE, cursor)  # 404 if not theirs
        endpoints = (await list_webhook_endpoints(viewer.id, MAX_ENDPOINTS, None)).items
        endpoint = next((e for e in endpoints if e.id == endpoint_id), None)
        return page(
            request, "webhook_deliveries.html.j2", viewer, endpoint=endpoint, endpoint_id=endpoint_id,
            deliveries=result.items, cursor=cursor, next_cursor=result.next_cursor,
        )


async def _endpoints_page(
    request: Request[Any, Any, Any],
    viewer: User,
    list_webhook_endpoints: ListWebhookEndpoints,
    errors: dict[str, str],
    entered: dict[str, Any],
    secret: str | None,
    status_code: int = 200,
) -> Template:
    endpoints = (await list_webhook_endpoints(viewer.id, MAX_ENDPOINTS, None)).items
    response = page(
        request, "webhooks.html.j2", viewer, status_code, endpoints=endpoints, errors=errors, secret=secret,
        entered=entered, events=EVENT_WORDS, max_endpoints=MAX_ENDPOINTS, low_default=LOW_CREDITS_DEFAULT,
    )
    if secret:
        NEW_SECRET.spend(response)
    return response
