"""VerifyCheckout: the buyer's browser reports Checkout's signed result; a valid one captures the order's credits."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.payment_gateway import PaymentGateway
from application.use_cases.billing.capture_credits import CaptureCredits, CapturePayment
from application.use_cases.common import UowFactory
from domain.errors import InvalidSignature, OrderNotFound
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
        """The order, paid; raises OrderNotFound (also another user's) or InvalidSignature, changing nothing."""
        async with self.uow() as uow:
            order = await uow.orders.get(cmd.order_id, cmd.user_id)
        if order is None:
            raise OrderNotFound()
        if order.gateway != self.gateway.name or cmd.gateway_order_id != order.gateway_order_id:
            raise InvalidSignature("the gateway order id is not this order's")
        if not self.gateway.verify_checkout(order.gateway_order_id, cmd.payment_id, cmd.signature):
            raise InvalidSignature()
        # The signature binds the payment to this gateway order, whose amount the gateway fixed at creation.
        capture = CapturePayment(order.id, cmd.payment_id, order.amount, order.currency, PaymentSource.VERIFY)
        await self.capture(capture)
        async with self.uow() as uow:  # read again: a concurrent capture may be the one that paid it
            paid = await uow.orders.get(order.id)
        return paid or order
