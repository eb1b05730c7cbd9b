"""Where a user's webhook endpoints are kept, with the run of failures that disables one."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.outbound_webhooks import EventType, WebhookEndpoint
from domain.values import Page


class WebhookEndpointRepository(Protocol):
    async def add_within_limit(self, endpoint: WebhookEndpoint, limit: int) -> bool:
        """Insert unless the owner already has `limit` endpoints (settled by the store); False if refused."""
        ...

    async def get(self, endpoint_id: UUID, user_id: UUID | None = None) -> WebhookEndpoint | None:
        """The endpoint, or None (also when user_id is given and is not its owner)."""
        ...

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[WebhookEndpoint]:
        """The owner's endpoints, newest first; raises ValidationFailed on a bad cursor."""
        ...

    async def delete(self, endpoint_id: UUID, user_id: UUID) -> bool:
        """Remove the owner's endpoint and its deliveries; False when there is no such endpoint of theirs."""
        ...

    async def subscribed(self, user_id: UUID, event: EventType) -> list[WebhookEndpoint]:
        """The owner's enabled endpoints that subscribe to the event."""
        ...

    async def succeeded(self, endpoint_id: UUID) -> None:
        """A delivery went through: the run of failures starts again from zero."""
        ...

    async def failed(self, endpoint_id: UUID, now: datetime, disable_after: int, reason: str) -> bool:
        """Count one more failure in a row; disable (with reason) when it reaches disable_after; True if it did."""
        ...
