"""In-memory plans, orders, payments and webhook events: the unique rules and conditional moves of the SQL store."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from adapters.memory.state import newest_first_page
from domain.errors import DuplicateRecord, InvalidTransition
from domain.orders import Order, OrderStatus, Payment, PaymentKind
from domain.plans import DEFAULT_PLANS, Plan
from domain.values import Page
from domain.webhooks import WebhookEvent, WebhookOutcome

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState


class MemoryPlanRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, plan: Plan) -> None:
        if plan.active and any(p.active and p.name == plan.name for p in self.state.plans.values()):
            self.undo()
            raise DuplicateRecord(f"an active plan is already named {plan.name!r}")
        self.state.plans[plan.id] = plan

    async def get(self, plan_id: UUID) -> Plan | None:
        return self.state.plans.get(plan_id)

    async def list(self, include_inactive: bool = False) -> list[Plan]:
        plans = [p for p in self.state.plans.values() if include_inactive or p.active]
        return sorted(plans, key=lambda p: (p.price, p.name, p.id))

    async def disable(self, plan_id: UUID) -> bool:
        plan = self.state.plans.get(plan_id)
        if plan is None or not plan.active:
            return False
        self.state.plans[plan_id] = dataclasses.replace(plan, active=False)
        return True


class MemoryOrderRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, order: Order) -> None:
        if await self.by_gateway_id(order.gateway, order.gateway_order_id):
            self.undo()
            raise DuplicateRecord("gateway order id already used")
        self.state.orders[order.id] = dataclasses.replace(order)

    async def get(self, order_id: UUID, user_id: UUID | None = None) -> Order | None:
        order = self.state.orders.get(order_id)
        if order is None or (user_id is not None and order.user_id != user_id):
            return None
        return dataclasses.replace(order)

    async def by_gateway_id(self, gateway: str, gateway_order_id: str) -> Order | None:
        for order in self.state.orders.values():
            if order.gateway == gateway and order.gateway_order_id == gateway_order_id:
                return dataclasses.replace(order)
        return None

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[Order]:
        mine = [dataclasses.replace(o) for o in self.state.orders.values() if o.user_id == user_id]
        return newest_first_page(mine, limit, cursor)

    async def mark_paid(self, order_id: UUID, now: datetime) -> Order | None:
        return self._move(order_id, lambda order: order.pay(now))

    async def mark_failed(self, order_id: UUID, now: datetime) -> Order | None:
        return self._move(order_id, lambda order: order.fail(now))

    def _move(self, order_id: UUID, transition: Callable[[Order], None]) -> Order | None:
        order = self.state.orders.get(order_id)
        if order is None:
            return None
        try:
            transition(order)
        except InvalidTransition:
            return None
        return dataclasses.replace(order)

    async def lock_paid(self, order_id: UUID, now: datetime) -> Order | None:
        order = self.state.orders.get(order_id)  # the unit of work's lock already serialises everything
        if order is None or order.status is not OrderStatus.PAID:
            return None
        order.updated_at = now
        return dataclasses.replace(order)

    async def pending(
        self, gateway: str, created_before: datetime, limit: int, failed_since: datetime | None = None
    ) -> list[Order]:
        def unpaid(o: Order) -> bool:
            late = failed_since is not None and o.status is OrderStatus.FAILED and o.created_at > failed_since
            return o.status is OrderStatus.CREATED or late

        found = [
            o
            for o in self.state.orders.values()
            if o.gateway == gateway and unpaid(o) and o.created_at < created_before
        ]
        return [dataclasses.replace(o) for o in sorted(found, key=lambda o: (o.created_at, o.id))[:limit]]

    async def paid_since(self, gateway: str, paid_after: datetime, limit: int) -> list[Order]:
        found = [
            o
            for o in self.state.orders.values()
            if o.gateway == gateway and o.status is OrderStatus.PAID and (o.paid_at or paid_after) > paid_after
        ]
        never = datetime.min.replace(tzinfo=UTC)
        found.sort(key=lambda o: (o.refunds_checked_at is not None, o.refunds_checked_at or never, o.paid_at, o.id))
        return [dataclasses.replace(o) for o in found[:limit]]

    async def refunds_checked(self, order_id: UUID, now: datetime) -> None:
        if order_id in self.state.orders:
            self.state.orders[order_id].refunds_checked_at = now


class MemoryPaymentRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, payment: Payment) -> None:
        captured_twice = payment.kind is PaymentKind.CAPTURED and self._any(payment.kind, order_id=payment.order_id)
        refunded_twice = payment.kind is PaymentKind.REFUNDED and await self.recorded(
            payment.kind, payment.gateway_payment_id
        )
        if captured_twice or refunded_twice:
            self.undo()
            raise DuplicateRecord(f"{payment.kind} payment already recorded")
        self.state.payments.append(payment)

    async def for_order(self, order_id: UUID) -> list[Payment]:
        mine = [p for p in self.state.payments if p.order_id == order_id]
        return sorted(mine, key=lambda p: (p.created_at, str(p.id)))

    async def recorded(self, kind: PaymentKind, gateway_payment_id: str) -> bool:
        return self._any(kind, gateway_payment_id=gateway_payment_id)

    def _any(self, kind: PaymentKind, order_id: UUID | None = None, gateway_payment_id: str | None = None) -> bool:
        return any(
            p.kind is kind
            and (order_id is None or p.order_id == order_id)
            and (gateway_payment_id is None or p.gateway_payment_id == gateway_payment_id)
            for p in self.state.payments
        )


class MemoryWebhookEventRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, event: WebhookEvent) -> None:
        if (event.gateway, event.event_id) in self.state.webhook_events:
            self.undo()
            raise DuplicateRecord(f"webhook event {event.event_id} already stored")
        self.state.webhook_events[(event.gateway, event.event_id)] = dataclasses.replace(event)

    async def settle(self, event_id: UUID, outcome: WebhookOutcome, order_id: UUID | None) -> None:
        for event in self.state.webhook_events.values():
            if event.id == event_id:
                event.outcome = outcome
                event.order_id = order_id

    async def redelivered(self, gateway: str, event_id: str, now: datetime) -> bool:
        event = self.state.webhook_events.get((gateway, event_id))
        if event is None:
            return False
        event.deliveries += 1
        event.last_delivery_at = now
        return True

    async def get(self, gateway: str, event_id: str) -> WebhookEvent | None:
        event = self.state.webhook_events.get((gateway, event_id))
        return dataclasses.replace(event) if event else None
