"""VerifyCheckout: the buyer's browser reports Checkout's signed result; a captured payment grants the credits.

The signature proves the payment was made on this order, not that money arrived: with manual capture it is only
`authorized`, and Razorpay refunds it unless captured. So the payment is fetched, captured first when authorized,
and credits are granted only for a captured one.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.payment_gateway import GatewayPayment, PaymentGateway
from application.use_cases.billing.capture_credits import CaptureCredits, Captured, CapturePayment
from application.use_cases.billing.gateway_capture import CAPTURED, captured_at_gateway
from application.use_cases.common import UowFactory
from domain.errors import InvalidSignature, OrderNotFound, PaymentNotCaptured
from domain.orders import Order, PaymentSource


@dataclass(frozen=True)
class VerifyCheckoutCommand:
    user_id: UUID
    order_id: UUID
    gateway_order_id: str
    payment_id: str
    signature: str


class VerifyCheckout:
    def __init__(self, uow: UowFactory, gateway: PaymentGateway, capture: CaptureCredits) -> None:
        self.uow = uow
        self.gateway = gateway
        self.capture = capture

    async def __call__(self, cmd: VerifyCheckoutCommand) -> Order:
        """The order, paid; raises OrderNotFound (also another user's), InvalidSignature, PaymentNotCaptured or
        GatewayFailed, granting nothing."""
        async with self.uow() as uow:
            order = await uow.orders.get(cmd.order_id, cmd.user_id)
        if order is None:
            raise OrderNotFound()
        if order.gateway != self.gateway.name or cmd.gateway_order_id != order.gateway_order_id:
            raise InvalidSignature("the gateway order id is not this order's")
        if not self.gateway.verify_checkout(order.gateway_order_id, cmd.payment_id, cmd.signature):
            raise InvalidSignature()
        payment = await self._captured(order, cmd.payment_id)
        capture = CapturePayment(order.id, payment.payment_id, payment.amount, payment.currency, PaymentSource.VERIFY)
        result = await self.capture(capture)
        if result.outcome is Captured.MISMATCH:
            raise PaymentNotCaptured("the payment is not for the order's amount: nothing was granted")
        async with self.uow() as uow:  # read again: a concurrent capture may be the one that paid it
            paid = await uow.orders.get(order.id)
        return paid or order

    async def _captured(self, order: Order, payment_id: str) -> GatewayPayment:
        """The payment as the gateway holds it, captured there first (for the order's amount) when authorized."""
        payment = await self.gateway.fetch_payment(payment_id)
        if payment.order_id not in (None, order.gateway_order_id):
            raise InvalidSignature("the payment is not this order's")
        payment = await captured_at_gateway(self.gateway, order, payment)
        if payment.status != CAPTURED:
            raise PaymentNotCaptured(f"the payment is {payment.status[:32]}, not captured: nothing was granted")
        return payment
