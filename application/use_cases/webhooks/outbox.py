"""The outbox: one delivery row per subscribed endpoint, written inside the caller's transaction.

Nothing is sent for work that rolled back, and nothing is lost when a process dies after the commit: the
dispatcher finds every pending row.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from application.ports.clock import IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.operations import to_dict
from domain.orders import Order
from domain.outbound_webhooks import Delivery, EventType
from domain.tasks import Task


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def task_data(task: Task) -> dict[str, Any]:
    """The task as GET /api/v1/tasks/{id} shows it."""
    return {
        "id": str(task.id),
        "title": task.title,
        "status": str(task.status),
        "metadata": task.metadata,
        "operations": [to_dict(op) for op in task.operations],
        "source": task.source.to_dict(),
        "result": task.result.to_dict() if task.result else None,
        "error": task.error,
        "attempts": task.attempts,
        "created_at": _time(task.created_at),
        "started_at": _time(task.started_at),
        "finished_at": _time(task.finished_at),
    }


def order_data(order: Order) -> dict[str, Any]:
    """The order as GET /api/v1/orders/{id} shows it."""
    return {
        "id": str(order.id),
        "plan_id": str(order.plan_id),
        "credits": order.credits,
        "amount": order.amount,
        "currency": order.currency,
        "status": str(order.status),
        "gateway": order.gateway,
        "gateway_order_id": order.gateway_order_id,
        "created_at": _time(order.created_at),
        "paid_at": _time(order.paid_at),
    }


async def record_event(
    uow: UnitOfWork, ids: IdGenerator, now: datetime, user_id: UUID, event: EventType, data: dict[str, Any]
) -> int:
    """Queue the event for each of the user's enabled endpoints that subscribe to it; how many were queued."""
    endpoints = await uow.webhook_endpoints.subscribed(user_id, event)
    for endpoint in endpoints:
        await uow.deliveries.add(_delivery(ids.new(), endpoint.id, event, data, now))
    return len(endpoints)


async def record_balance_drop(
    uow: UnitOfWork, ids: IdGenerator, now: datetime, user_id: UUID, before: int, after: int
) -> int:
    """credits.low to each endpoint whose threshold the balance just crossed downwards: once per crossing."""
    endpoints = await uow.webhook_endpoints.subscribed(user_id, EventType.CREDITS_LOW)
    crossed = [e for e in endpoints if before >= e.low_credits_below > after]
    data = {"balance": after, "previous_balance": before}
    for endpoint in crossed:
        body = {**data, "threshold": endpoint.low_credits_below}
        await uow.deliveries.add(_delivery(ids.new(), endpoint.id, EventType.CREDITS_LOW, body, now))
    return len(crossed)


def _delivery(delivery_id: UUID, endpoint_id: UUID, event: EventType, data: dict[str, Any], now: datetime) -> Delivery:
    body = {"id": str(delivery_id), "type": event.value, "created_at": _time(now), "data": data}
    return Delivery(
        id=delivery_id,
        endpoint_id=endpoint_id,
        event=event,
        body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
        created_at=now,
        next_attempt_at=now,
    )
