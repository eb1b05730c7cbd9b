"""Webhook endpoint routes: add (the secret shown once), list, remove, and each endpoint's deliveries."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.use_cases.webhooks.endpoints import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    ListDeliveries,
    ListWebhookEndpoints,
    NewEndpoint,
)
from entrypoints.http.controllers.credits import Cursor, Limit
from entrypoints.http.schemas.webhook_endpoints import DeliveryPage, EndpointIn, EndpointPage, NewEndpointOut


class WebhookEndpointsController(Controller):
    path = "/webhook-endpoints"
    tags = ["developer"]

    @post("/", status_code=HTTP_201_CREATED, summary="Add a webhook endpoint (the signing secret is shown only here)")
    async def create(self, data: EndpointIn, create_webhook_endpoint: CreateWebhookEndpoint, user_id: UUID) -> NewEndpointOut:
        """An https URL on a public address, subscribed to the events named (all by default)."""
        endpoint = await create_webhook_endpoint(user_id, NewEndpoint(data.url, data.events, data.low_credits_below))
        return NewEndpointOut.of(endpoint)

    @get("/", summary="List webhook endpoints (without their secrets)")
    async def list(
        self, list_webhook_endpoints: ListWebhookEndpoints, user_id: UUID, limit: Limit = 20, cursor: Cursor = None
    ) -> EndpointPage:
        """The user's endpoints, newest first; a disabled one says why."""
        return EndpointPage.of(await list_webhook_endpoints(user_id, limit, cursor))

    @delete("/{endpoint_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Remove a webhook endpoint")
    async def remove(self, endpoint_id: UUID, delete_webhook_endpoint: DeleteWebhookEndpoint, user_id: UUID) -> None:
        """Nothing more is sent to it."""
        await delete_webhook_endpoint(user_id, endpoint_id)

    @get("/{endpoint_id:uuid}/deliveries", summary="An endpoint's deliveries, newest first")
    async def deliveries(
        self, endpoint_id: UUID, list_deliveries: ListDeliveries, user_id: UUID, limit: Limit = 20, cursor: Cursor = None
    ) -> DeliveryPage:
        """Each event sent or to be sent, with its attempts and the last answer."""
        return DeliveryPage.of(await list_deliveries(user_id, endpoint_id, limit, cursor))
