"""Rows to entities and back: columns are named as fields; enums, operations and images need converting.

Times need nothing: tables.UtcDateTime already hands back aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import RowMapping

from domain.credits import LedgerEntry, Reason
from domain.orders import Order, OrderStatus, Payment, PaymentKind, PaymentSource
from domain.operations import parse_operation, to_dict
from domain.plans import Plan
from domain.sessions import RefreshToken
from domain.tasks import Status, Task
from domain.users import User
from domain.values import ImageInfo
from domain.webhooks import WebhookEvent, WebhookOutcome


def row_of(entity: Any) -> dict[str, Any]:
    """Each field of an entity (a dataclass) in the column of the same name."""
    return {field.name: getattr(entity, field.name) for field in fields(entity)}


def ledger_row(entry: LedgerEntry) -> dict[str, Any]:
    return {**row_of(entry), "reason": entry.reason.value}


def to_user(row: RowMapping) -> User:
    return User(**row)


def to_refresh_token(row: RowMapping) -> RefreshToken:
    return RefreshToken(**row)


def to_ledger_entry(row: RowMapping) -> LedgerEntry:
    return LedgerEntry(**{**row, "reason": Reason(row["reason"])})


def task_row(task: Task) -> dict[str, Any]:
    return {
        **row_of(task),
        "operations": [to_dict(operation) for operation in task.operations],
        "status": task.status.value,
        "source": task.source.to_dict(),
        "result": task.result.to_dict() if task.result else None,
    }


def to_task(row: RowMapping) -> Task:
    return Task(
        **{
            **row,
            "operations": tuple(parse_operation(raw) for raw in row["operations"]),
            "status": Status(row["status"]),
            "source": ImageInfo.from_dict(row["source"]),
            "result": ImageInfo.from_dict(row["result"]) if row["result"] is not None else None,
        }
    )


def to_plan(row: RowMapping) -> Plan:
    return Plan(**row)


def to_order(row: RowMapping) -> Order:
    return Order(**{**row, "status": OrderStatus(row["status"])})


def order_row(order: Order) -> dict[str, Any]:
    return {**row_of(order), "status": order.status.value}


def to_payment(row: RowMapping) -> Payment:
    return Payment(**{**row, "kind": PaymentKind(row["kind"]), "source": PaymentSource(row["source"])})


def payment_row(payment: Payment) -> dict[str, Any]:
    return {**row_of(payment), "kind": payment.kind.value, "source": payment.source.value}


def to_webhook_event(row: RowMapping) -> WebhookEvent:
    return WebhookEvent(**{**row, "outcome": WebhookOutcome(row["outcome"])})
