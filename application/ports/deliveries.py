"""The outbox of outbound webhook deliveries, written in the transaction of the change they report."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.outbound_webhooks import Delivery
from domain.values import Page


class DeliveryRepository(Protocol):
    async def add(self, delivery: Delivery) -> None:
        """Insert a pending delivery."""
        ...

    async def get(self, delivery_id: UUID) -> Delivery | None:
        """The delivery, or None."""
        ...

    async def list(self, endpoint_id: UUID, limit: int, cursor: str | None) -> Page[Delivery]:
        """The endpoint's deliveries, newest first; raises ValidationFailed on a bad cursor."""
        ...

    async def claim_due(self, now: datetime, hold_until: datetime, limit: int) -> list[UUID]:
        """Pending deliveries due by now, moved to hold_until (conditional update: one claimer each), oldest first."""
        ...

    async def record(self, delivery: Delivery) -> bool:
        """Store the attempt's outcome only if the delivery is still pending; False when it was settled already."""
        ...
