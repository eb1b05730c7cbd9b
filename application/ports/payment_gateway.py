"""The payment gateway: orders, checkout and webhook signatures, events, and payments for reconciliation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class Checkout:
    """What a client needs to open the gateway's checkout: Razorpay Checkout's options, or the sandbox's page."""

    gateway: str
    gateway_order_id: str
    amount: int
    currency: str
    key_id: str | None = None
    name: str | None = None
    description: str | None = None
    checkout_url: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {key: value for key, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class GatewayOrder:
    gateway_order_id: str
    checkout: Checkout


@dataclass(frozen=True)
class GatewayPayment:
    """A payment the gateway holds for an order; status as the gateway says (captured, authorized, failed...)."""

    payment_id: str
    amount: int
    currency: str
    status: str
    order_id: str | None = None


@dataclass(frozen=True)
class GatewayRefund:
    """A refund the gateway holds for a payment; status as the gateway says (pending, processed, failed)."""

    refund_id: str
    payment_id: str
    amount: int
    currency: str
    status: str


@dataclass(frozen=True)
class PaymentCaptured:
    """payment.captured or order.paid: money arrived for the order."""

    type: str
    gateway_order_id: str | None
    payment_id: str
    amount: int
    currency: str


@dataclass(frozen=True)
class PaymentFailed:
    type: str
    gateway_order_id: str | None
    payment_id: str
    amount: int
    currency: str
    reason: str | None = None


@dataclass(frozen=True)
class RefundProcessed:
    type: str
    gateway_order_id: str | None
    payment_id: str
    refund_id: str
    amount: int
    currency: str


@dataclass(frozen=True)
class OtherEvent:
    """Any event Pixelmill does not act on (or one whose shape it does not recognise)."""

    type: str


GatewayEvent = PaymentCaptured | PaymentFailed | RefundProcessed | OtherEvent


class PaymentGateway(Protocol):
    name: str

    async def create_order(self, order_id: UUID, amount: int, currency: str, description: str) -> GatewayOrder:
        """An order at the gateway for our order_id; raises GatewayFailed on an error answer or a timeout."""
        ...

    def verify_checkout(self, gateway_order_id: str, payment_id: str, signature: str) -> bool:
        """Whether signature is HMAC-SHA256 of "order_id|payment_id" with the key secret; never raises."""
        ...

    def verify_webhook(self, body: bytes, signature: str) -> bool:
        """Whether signature is HMAC-SHA256 of the raw body with the webhook secret (constant time); never raises."""
        ...

    def parse_event(self, body: bytes) -> GatewayEvent:
        """The typed event of a verified body; raises BadRequest when it is not a JSON event at all."""
        ...

    async def fetch_order_payments(self, gateway_order_id: str) -> list[GatewayPayment]:
        """The payments the gateway holds for its order; raises GatewayFailed."""
        ...

    async def fetch_payment(self, payment_id: str) -> GatewayPayment:
        """The payment as the gateway holds it now; raises GatewayFailed (an unknown id too)."""
        ...

    async def capture_payment(self, payment_id: str, amount: int, currency: str) -> GatewayPayment:
        """Capture an authorized payment for exactly amount and currency; raises GatewayFailed when refused."""
        ...

    async def fetch_payment_refunds(self, payment_id: str) -> list[GatewayRefund]:
        """The refunds of a payment (up to 100, the gateway's page); raises GatewayFailed."""
        ...

    async def refund(
        self, payment_id: str, amount: int, currency: str, idempotency_key: str, receipt: str, notes: dict[str, str]
    ) -> GatewayRefund:
        """Return amount of a captured payment to the buyer (normal speed). The same idempotency_key always answers
        with the same refund and never refunds twice; raises GatewayFailed when refused or unanswered."""
        ...
