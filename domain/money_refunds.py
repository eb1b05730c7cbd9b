"""A money refund an operator asked the gateway for: recorded with the credits' reversal, sent after commit.

The row is written in the transaction that takes the credits back, so neither can happen without the other being
due; the gateway is called afterwards, at most by one sender at a time (a lease), under an idempotency key derived
from the order, so a retry after a failure or a lost answer never refunds twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass(frozen=True)
class MoneyRefund:
    order_id: UUID  # one money refund per order: the key of the row and of the gateway's idempotency
    payment_id: str  # the gateway payment that granted the order's credits
    amount: int  # in the currency's smallest unit; what the granting payment still held
    currency: str
    created_at: datetime
    updated_at: datetime
    gateway_refund_id: str | None = None  # set once the gateway accepted it: done
    sending_until: datetime | None = None  # a sender's lease while it waits for the gateway
    last_error: str | None = None  # why the last attempt failed, for the operator

    @property
    def sent(self) -> bool:
        return self.gateway_refund_id is not None

    @property
    def idempotency_key(self) -> str:
        """The same key on every attempt (Razorpay wants 10+ letters, digits, hyphens or underscores)."""
        return f"pixelmill-refund-{self.order_id.hex}"

    @property
    def receipt(self) -> str:
        """Razorpay's refund receipt (up to 40 characters): the order, for the merchant's own lookups."""
        return self.order_id.hex
