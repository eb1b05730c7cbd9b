"""Orders for credits and the payments seen on them: created → paid (once) | failed, and failed → paid on a retry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidTransition


class OrderStatus(StrEnum):
    CREATED = "created"
    PAID = "paid"
    FAILED = "failed"


# A buyer may retry on the same gateway order after a failed payment, so a failed order can still be paid.
PAYABLE = (OrderStatus.CREATED, OrderStatus.FAILED)


@dataclass
class Order:
    id: UUID
    user_id: UUID
    plan_id: UUID
    credits: int
    amount: int
    currency: str
    gateway: str
    gateway_order_id: str
    created_at: datetime
    status: OrderStatus = OrderStatus.CREATED
    paid_at: datetime | None = None
    updated_at: datetime | None = None
    refunds_checked_at: datetime | None = None  # when reconciliation last asked the gateway about its refunds

    def pay(self, now: datetime) -> None:
        if self.status not in PAYABLE:
            raise InvalidTransition(f"a {self.status} order cannot be paid")
        self.status = OrderStatus.PAID
        self.paid_at = now
        self.updated_at = now

    def fail(self, now: datetime) -> None:
        if self.status is not OrderStatus.CREATED:
            raise InvalidTransition(f"a {self.status} order cannot fail")
        self.status = OrderStatus.FAILED
        self.updated_at = now

    def is_paid_in_full(self, amount: int, currency: str) -> bool:
        """Credits are granted only for exactly the order's amount in the order's currency."""
        return amount == self.amount and currency.upper() == self.currency

    def credits_to_reverse(self, refunded_total: int, reversed_so_far: int) -> int:
        """Credits still to take back once refunded_total of the amount went back: proportional, rounded up, capped."""
        due = min(self.credits, -(-self.credits * max(refunded_total, 0) // self.amount))
        return max(0, due - reversed_so_far)


class PaymentKind(StrEnum):
    CAPTURED = "captured"
    FAILED = "failed"
    MISMATCHED = "mismatched"
    REFUNDED = "refunded"


class PaymentSource(StrEnum):
    VERIFY = "verify"
    WEBHOOK = "webhook"
    RECONCILE = "reconcile"
    ADMIN = "admin"  # an operator took the credits back; no money moved through the gateway


@dataclass(frozen=True)
class Payment:
    """One movement of money the gateway reported on an order, and the credits it moved."""

    id: UUID
    order_id: UUID
    kind: PaymentKind
    gateway_payment_id: str
    amount: int
    currency: str
    source: PaymentSource
    created_at: datetime
    credits: int = 0
    shortfall: int = 0  # credits a refund could not take back without a negative balance
    detail: str | None = None
    refunded_payment_id: str | None = None  # a refund's: the gateway payment it returned money of


def granting_payment_id(payments: list[Payment]) -> str | None:
    """The gateway id of the payment whose capture granted the order's credits, if one did."""
    return next((p.gateway_payment_id for p in payments if p.kind is PaymentKind.CAPTURED), None)


def reversed_so_far(payments: list[Payment], granted_by: str | None = None) -> tuple[int, int]:
    """(amount refunded, credits reversed or found short) over the earlier refunds of the granting payment.

    Refunds of other payments on the order (auto-refunded duplicates) never count; rows stored before refunds named
    their payment do.
    """
    refunds = [
        p
        for p in payments
        if p.kind is PaymentKind.REFUNDED and p.refunded_payment_id in (None, granted_by)
    ]
    return sum(p.amount for p in refunds), sum(-p.credits + p.shortfall for p in refunds)
