"""Webhook endpoint bodies and answers: the signing secret only in the answer to its creation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.outbound_webhooks import URL_MAX, Delivery, WebhookEndpoint
from domain.values import Page


class EndpointIn(msgspec.Struct, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=URL_MAX)]
    events: Annotated[list[str], msgspec.Meta(max_length=10)] | None = None
    low_credits_below: int | None = None


class EndpointOut(msgspec.Struct):
    id: UUID
    url: str
    events: list[str]
    low_credits_below: int
    enabled: bool
    disabled_reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, e: WebhookEndpoint) -> EndpointOut:
        events = [event.value for event in e.events]
        return cls(e.id, e.url, events, e.low_credits_below, e.disabled_at is None, e.disabled_reason, e.created_at)


class NewEndpointOut(msgspec.Struct):
    id: UUID
    url: str
    events: list[str]
    secret: str
    low_credits_below: int
    created_at: datetime

    @classmethod
    def of(cls, e: WebhookEndpoint) -> NewEndpointOut:
        return cls(e.id, e.url, [event.value for event in e.events], e.secret, e.low_credits_below, e.created_at)


class EndpointPage(msgspec.Struct):
    items: list[EndpointOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[WebhookEndpoint]) -> EndpointPage:
        return cls([EndpointOut.of(e) for e in page.items], page.next_cursor)


class DeliveryOut(msgspec.Struct):
    id: UUID
    event: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, d: Delivery) -> DeliveryOut:
        pending = d.status.value == "pending"
        return cls(
            d.id, d.event.value, d.status.value, d.attempts, d.last_status_code, d.last_error,
            d.next_attempt_at if pending else None, d.created_at,
        )  # fmt: skip


class DeliveryPage(msgspec.Struct):
    items: list[DeliveryOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Delivery]) -> DeliveryPage:
        return cls([DeliveryOut.of(d) for d in page.items], page.next_cursor)
