"""new_payment: the one builder of the Payment rows that capture, reversal and failure record."""

from __future__ import annotations

from datetime import datetime

from application.ports.clock import IdGenerator
from domain.orders import Order, Payment, PaymentKind, PaymentSource


def new_payment(
    ids: IdGenerator,
    now: datetime,
    order: Order,
    kind: PaymentKind,
    gateway_payment_id: str,
    amount: int,
    currency: str,
    source: PaymentSource,
    *,
    credits: int = 0,
    shortfall: int = 0,
    detail: str | None = None,
    refunded_payment_id: str | None = None,
) -> Payment:
    return Payment(
        id=ids.new(),
        order_id=order.id,
        kind=kind,
        gateway_payment_id=gateway_payment_id,
        amount=amount,
        currency=currency,
        source=source,
        created_at=now,
        credits=credits,
        shortfall=shortfall,
        detail=detail,
        refunded_payment_id=refunded_payment_id,
    )
