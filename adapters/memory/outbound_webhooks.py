"""In-memory webhook endpoints and deliveries; the unit of work's lock serialises them."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from adapters.memory.state import newest_first_page
from domain.outbound_webhooks import Delivery, DeliveryStatus, EventType, WebhookEndpoint
from domain.values import Page

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState


class MemoryWebhookEndpointRepository:
    def __init__(self, state: MemoryState) -> None:
        self.state = state

    def _owned(self, user_id: UUID) -> list[WebhookEndpoint]:
        return [e for e in self.state.webhook_endpoints.values() if e.user_id == user_id]

    async def add_within_limit(self, endpoint: WebhookEndpoint, limit: int) -> bool:
        if len(self._owned(endpoint.user_id)) >= limit:
            return False
        self.state.webhook_endpoints[endpoint.id] = dataclasses.replace(endpoint)
        return True

    async def get(self, endpoint_id: UUID, user_id: UUID | None = None) -> WebhookEndpoint | None:
        endpoint = self.state.webhook_endpoints.get(endpoint_id)
        if endpoint is None or (user_id is not None and endpoint.user_id != user_id):
            return None
        return dataclasses.replace(endpoint)

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[WebhookEndpoint]:
        page = newest_first_page(self._owned(user_id), limit, cursor)
        return Page([dataclasses.replace(e) for e in page.items], page.next_cursor)

    async def delete(self, endpoint_id: UUID, user_id: UUID) -> bool:
        if await self.get(endpoint_id, user_id) is None:
            return False
        del self.state.webhook_endpoints[endpoint_id]
        for delivery_id in [d.id for d in self.state.deliveries.values() if d.endpoint_id == endpoint_id]:
            del self.state.deliveries[delivery_id]
        return True

    async def subscribed(self, user_id: UUID, event: EventType) -> list[WebhookEndpoint]:
        return [
            dataclasses.replace(e) for e in self._owned(user_id) if event in e.events and e.disabled_at is None
        ]

    async def succeeded(self, endpoint_id: UUID) -> None:
        endpoint = self.state.webhook_endpoints.get(endpoint_id)
        if endpoint is not None:
            endpoint.failure_streak = 0

    async def failed(self, endpoint_id: UUID, now: datetime, disable_after: int, reason: str) -> bool:
        endpoint = self.state.webhook_endpoints.get(endpoint_id)
        if endpoint is None:
            return False
        endpoint.failure_streak += 1
        if endpoint.disabled_at is None and endpoint.failure_streak >= disable_after:
            endpoint.disabled_at, endpoint.disabled_reason = now, reason
            return True
        return False


class MemoryDeliveryRepository:
    def __init__(self, state: MemoryState) -> None:
        self.state = state

    async def add(self, delivery: Delivery) -> None:
        self.state.deliveries[delivery.id] = dataclasses.replace(delivery)

    async def get(self, delivery_id: UUID) -> Delivery | None:
        delivery = self.state.deliveries.get(delivery_id)
        return dataclasses.replace(delivery) if delivery else None

    async def list(self, endpoint_id: UUID, limit: int, cursor: str | None) -> Page[Delivery]:
        mine = [d for d in self.state.deliveries.values() if d.endpoint_id == endpoint_id]
        page = newest_first_page(mine, limit, cursor)
        return Page([dataclasses.replace(d) for d in page.items], page.next_cursor)

    async def claim_due(self, now: datetime, hold_until: datetime, limit: int) -> list[UUID]:
        due = sorted(
            (d for d in self.state.deliveries.values() if d.status == DeliveryStatus.PENDING and d.next_attempt_at <= now),
            key=lambda d: (d.next_attempt_at, d.id),
        )[:limit]
        for delivery in due:
            delivery.next_attempt_at = hold_until
        return [d.id for d in due]

    async def record(self, delivery: Delivery) -> bool:
        stored = self.state.deliveries.get(delivery.id)
        if stored is None or stored.status != DeliveryStatus.PENDING:
            return False
        self.state.deliveries[delivery.id] = dataclasses.replace(delivery)
        return True
