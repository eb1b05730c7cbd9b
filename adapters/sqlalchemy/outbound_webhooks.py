"""SQL webhook endpoints and deliveries: claims and failure runs settled by conditional updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import page
from adapters.sqlalchemy.tables import users, webhook_deliveries, webhook_endpoints
from domain.outbound_webhooks import Delivery, DeliveryStatus, EventType, WebhookEndpoint
from domain.values import Page

PENDING = DeliveryStatus.PENDING.value
# Asked by every task's completion and every charge (built once: an execution only binds the user).
_SUBSCRIBED = select(webhook_endpoints).where(
    webhook_endpoints.c.user_id == bindparam("user_id"), webhook_endpoints.c.disabled_at.is_(None)
)


def _endpoint_row(endpoint: WebhookEndpoint) -> dict[str, Any]:
    row = {name: getattr(endpoint, name) for name in endpoint.__dataclass_fields__}
    return {**row, "events": [event.value for event in endpoint.events]}


def _endpoint(row: RowMapping) -> WebhookEndpoint:
    return WebhookEndpoint(**{**row, "events": tuple(EventType(value) for value in row["events"])})


def _delivery_row(delivery: Delivery) -> dict[str, Any]:
    row = {name: getattr(delivery, name) for name in delivery.__dataclass_fields__}
    return {**row, "event": delivery.event.value, "status": delivery.status.value}


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(**{**row, "event": EventType(row["event"]), "status": DeliveryStatus(row["status"])})


class SqlWebhookEndpointRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add_within_limit(self, endpoint: WebhookEndpoint, limit: int) -> bool:
        # Concurrent additions for one owner queue on the owner's row (PostgreSQL); SQLite serialises writers.
        await self.session.execute(select(users.c.id).where(users.c.id == endpoint.user_id).with_for_update())
        owned = await self.session.scalar(select(func.count()).where(webhook_endpoints.c.user_id == endpoint.user_id))
        if (owned or 0) >= limit:
            return False
        await self.session.execute(insert(webhook_endpoints).values(_endpoint_row(endpoint)))
        return True

    async def get(self, endpoint_id: UUID, user_id: UUID | None = None) -> WebhookEndpoint | None:
        query = select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        if user_id is not None:
            query = query.where(webhook_endpoints.c.user_id == user_id)
        row = (await self.session.execute(query)).mappings().one_or_none()
        return _endpoint(row) if row else None

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[WebhookEndpoint]:
        query = select(webhook_endpoints).where(webhook_endpoints.c.user_id == user_id)
        return await page(self.session, webhook_endpoints, query, limit, cursor, _endpoint)

    async def delete(self, endpoint_id: UUID, user_id: UUID) -> bool:
        if await self.get(endpoint_id, user_id) is None:
            return False
        await self.session.execute(delete(webhook_deliveries).where(webhook_deliveries.c.endpoint_id == endpoint_id))
        await self.session.execute(delete(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id))
        return True

    async def subscribed(self, user_id: UUID, event: EventType) -> list[WebhookEndpoint]:
        rows = (await self.session.execute(_SUBSCRIBED, {"user_id": user_id})).mappings().all()
        endpoints = [_endpoint(row) for row in rows]
        return [endpoint for endpoint in endpoints if event in endpoint.events]  # JSON lists differ per backend

    async def succeeded(self, endpoint_id: UUID) -> None:
        await self.session.execute(
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id == endpoint_id, webhook_endpoints.c.failure_streak != 0)
            .values(failure_streak=0)
        )

    async def failed(self, endpoint_id: UUID, now: datetime, disable_after: int, reason: str) -> bool:
        streak = (
            await self.session.execute(
                update(webhook_endpoints)
                .where(webhook_endpoints.c.id == endpoint_id)
                .values(failure_streak=webhook_endpoints.c.failure_streak + 1)
                .returning(webhook_endpoints.c.failure_streak)
            )
        ).scalar_one_or_none()
        if streak is None or streak < disable_after:
            return False
        disabled = await self.session.execute(
            update(webhook_endpoints)
            .where(webhook_endpoints.c.id == endpoint_id, webhook_endpoints.c.disabled_at.is_(None))
            .values(disabled_at=now, disabled_reason=reason)
            .returning(webhook_endpoints.c.id)
        )
        return disabled.first() is not None


class SqlDeliveryRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, delivery: Delivery) -> None:
        await self.session.execute(insert(webhook_deliveries).values(_delivery_row(delivery)))

    async def get(self, delivery_id: UUID) -> Delivery | None:
        query = select(webhook_deliveries).where(webhook_deliveries.c.id == delivery_id)
        row = (await self.session.execute(query)).mappings().one_or_none()
        return _delivery(row) if row else None

    async def list(self, endpoint_id: UUID, limit: int, cursor: str | None) -> Page[Delivery]:
        query = select(webhook_deliveries).where(webhook_deliveries.c.endpoint_id == endpoint_id)
        return await page(self.session, webhook_deliveries, query, limit, cursor, _delivery)

    async def claim_due(self, now: datetime, hold_until: datetime, limit: int) -> list[UUID]:
        due = (
            select(webhook_deliveries.c.id)
            .where(webhook_deliveries.c.status == PENDING, webhook_deliveries.c.next_attempt_at <= now)
            .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await self.session.execute(due)).scalars().all())
        if not ids:
            return []
        # Conditional: a row another claimer moved in the meantime (SQLite has no SKIP LOCKED) is not claimed twice.
        claimed = await self.session.execute(
            update(webhook_deliveries)
            .where(
                webhook_deliveries.c.id.in_(ids),
                webhook_deliveries.c.status == PENDING,
                webhook_deliveries.c.next_attempt_at <= now,
            )
            .values(next_attempt_at=hold_until)
            .returning(webhook_deliveries.c.id)
        )
        return sorted(set(claimed.scalars().all()), key=ids.index)

    async def record(self, delivery: Delivery) -> bool:
        row = _delivery_row(delivery)
        for fixed in ("id", "endpoint_id", "event", "body", "created_at"):
            row.pop(fixed)
        result = await self.session.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery.id, webhook_deliveries.c.status == PENDING)
            .values(**row)
            .returning(webhook_deliveries.c.id)
        )
        return result.first() is not None
