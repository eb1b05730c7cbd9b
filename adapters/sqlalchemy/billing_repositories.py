"""SQL plans, orders, payments and webhook events. Payment races end in a conditional UPDATE or a unique index."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import one, page, write
from adapters.sqlalchemy.mappers import order_row, payment_row, row_of, to_order, to_payment, to_plan, to_webhook_event
from adapters.sqlalchemy.tables import credit_plans, orders, payments, webhook_events
from domain.orders import PAYABLE, Order, OrderStatus, Payment, PaymentKind
from domain.plans import Plan
from domain.values import Page
from domain.webhooks import WebhookEvent, WebhookOutcome

CREATED = OrderStatus.CREATED.value
FAILED = OrderStatus.FAILED.value
PAID = OrderStatus.PAID.value

# What every webhook delivery runs, built once: an execution then only binds its values.
_INSERT_EVENT = insert(webhook_events)
_SETTLE_EVENT = (
    update(webhook_events)
    .where(webhook_events.c.id == bindparam("event_row_id"))
    .values(outcome=bindparam("new_outcome"), order_id=bindparam("settled_order_id"))
)
_REDELIVERED = (
    update(webhook_events)
    .where(webhook_events.c.gateway == bindparam("from_gateway"), webhook_events.c.event_id == bindparam("gateway_event_id"))
    .values(deliveries=webhook_events.c.deliveries + 1, last_delivery_at=bindparam("now"))
    .returning(webhook_events.c.id)
)
_ORDER_BY_ID = select(orders).where(orders.c.id == bindparam("order_id"))
_ORDER_BY_GATEWAY_ID = select(orders).where(
    orders.c.gateway == bindparam("from_gateway"), orders.c.gateway_order_id == bindparam("gateway_order")
)
_MARK_PAID = (
    update(orders)
    .where(orders.c.id == bindparam("order_id"), orders.c.status.in_([status.value for status in PAYABLE]))
    .values(status=PAID, paid_at=bindparam("now"), updated_at=bindparam("now"))
    .returning(*orders.c)
)
_INSERT_PAYMENT = insert(payments)
_PAYMENTS_OF_ORDER = (
    select(payments).where(payments.c.order_id == bindparam("order_id")).order_by(payments.c.created_at, payments.c.id)
)


class SqlPlanRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, plan: Plan) -> None:
        await write(self.session, insert(credit_plans).values(row_of(plan)))

    async def get(self, plan_id: UUID) -> Plan | None:
        row = await one(self.session, select(credit_plans).where(credit_plans.c.id == plan_id))
        return to_plan(row) if row else None

    async def list(self, include_inactive: bool = False) -> list[Plan]:
        query = select(credit_plans).order_by(credit_plans.c.price, credit_plans.c.name, credit_plans.c.id)
        if not include_inactive:
            query = query.where(credit_plans.c.active.is_(True))
        return [to_plan(row) for row in (await self.session.execute(query)).mappings()]

    async def disable(self, plan_id: UUID) -> bool:
        statement = (
            update(credit_plans)
            .where(credit_plans.c.id == plan_id, credit_plans.c.active.is_(True))
            .values(active=False)
            .returning(credit_plans.c.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None


class SqlOrderRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, order: Order) -> None:
        await write(self.session, insert(orders).values(order_row(order)))

    async def get(self, order_id: UUID, user_id: UUID | None = None) -> Order | None:
        if user_id is None:
            row = await one(self.session, _ORDER_BY_ID, {"order_id": order_id})
        else:
            row = await one(self.session, _ORDER_BY_ID.where(orders.c.user_id == user_id), {"order_id": order_id})
        return to_order(row) if row else None

    async def by_gateway_id(self, gateway: str, gateway_order_id: str) -> Order | None:
        values = {"from_gateway": gateway, "gateway_order": gateway_order_id}
        row = await one(self.session, _ORDER_BY_GATEWAY_ID, values)
        return to_order(row) if row else None

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[Order]:
        query = select(orders).where(orders.c.user_id == user_id)
        return await page(self.session, orders, query, limit, cursor, to_order)

    async def mark_paid(self, order_id: UUID, now: datetime) -> Order | None:
        """One conditional UPDATE: concurrent callers queue on the row and only the first still finds it payable."""
        row = await one(self.session, _MARK_PAID, {"order_id": order_id, "now": now})
        return to_order(row) if row else None

    async def mark_failed(self, order_id: UUID, now: datetime) -> Order | None:
        return await self._move(order_id, orders.c.status == CREATED, status=OrderStatus.FAILED.value, updated_at=now)

    async def _move(self, order_id: UUID, allowed: Any, **values: Any) -> Order | None:
        """One conditional UPDATE: concurrent callers queue on the row and only the first still matches."""
        statement = update(orders).where(orders.c.id == order_id, allowed).values(**values).returning(*orders.c)
        row = await one(self.session, statement)
        return to_order(row) if row else None

    async def lock_paid(self, order_id: UUID, now: datetime) -> Order | None:
        # An UPDATE takes the row lock on PostgreSQL (SQLite's BEGIN IMMEDIATE holds the whole database already);
        # every statement after it in this transaction reads what the previous holder committed.
        return await self._move(order_id, orders.c.status == OrderStatus.PAID.value, updated_at=now)

    async def pending(
        self, gateway: str, created_before: datetime, limit: int, failed_since: datetime | None = None
    ) -> list[Order]:
        unpaid = orders.c.status == CREATED
        if failed_since is not None:
            unpaid = or_(unpaid, and_(orders.c.status == FAILED, orders.c.created_at > failed_since))
        query = (
            select(orders)
            .where(orders.c.gateway == gateway, unpaid, orders.c.created_at < created_before)
            .order_by(orders.c.created_at, orders.c.id)
            .limit(limit)
        )
        return [to_order(row) for row in (await self.session.execute(query)).mappings()]

    async def paid_since(self, gateway: str, paid_after: datetime, limit: int) -> list[Order]:
        query = (
            select(orders)
            .where(orders.c.gateway == gateway, orders.c.status == PAID, orders.c.paid_at > paid_after)
            .order_by(orders.c.refunds_checked_at.asc().nulls_first(), orders.c.paid_at, orders.c.id)
            .limit(limit)
        )
        return [to_order(row) for row in (await self.session.execute(query)).mappings()]

    async def refunds_checked(self, order_id: UUID, now: datetime) -> None:
        await self.session.execute(update(orders).where(orders.c.id == order_id).values(refunds_checked_at=now))


class SqlPaymentRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, payment: Payment) -> None:
        await write(self.session, _INSERT_PAYMENT, payment_row(payment))

    async def for_order(self, order_id: UUID) -> list[Payment]:
        rows = await self.session.execute(_PAYMENTS_OF_ORDER, {"order_id": order_id})
        return [to_payment(row) for row in rows.mappings()]

    async def recorded(self, kind: PaymentKind, gateway_payment_id: str) -> bool:
        query = (
            select(payments.c.id)
            .where(payments.c.kind == kind.value, payments.c.gateway_payment_id == gateway_payment_id)
            .limit(1)
        )
        return await self.session.scalar(query) is not None


class SqlWebhookEventRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, event: WebhookEvent) -> None:
        await write(self.session, _INSERT_EVENT, {**row_of(event), "outcome": event.outcome.value})

    async def settle(self, event_id: UUID, outcome: WebhookOutcome, order_id: UUID | None) -> None:
        values = {"event_row_id": event_id, "new_outcome": outcome.value, "settled_order_id": order_id}
        await self.session.execute(_SETTLE_EVENT, values)

    async def redelivered(self, gateway: str, event_id: str, now: datetime) -> bool:
        values = {"from_gateway": gateway, "gateway_event_id": event_id, "now": now}
        return (await self.session.execute(_REDELIVERED, values)).scalar_one_or_none() is not None

    async def get(self, gateway: str, event_id: str) -> WebhookEvent | None:
        query = select(webhook_events).where(webhook_events.c.gateway == gateway, webhook_events.c.event_id == event_id)
        row = await one(self.session, query)
        return to_webhook_event(row) if row else None
