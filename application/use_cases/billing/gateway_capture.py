"""Capturing at the gateway: an `authorized` payment is captured for the order's amount before credits are granted.

With manual capture a payment is only authorized, and Razorpay refunds it unless it is captured; verify and the
reconciler both capture it here first, and grant only what the gateway then calls captured.
"""

from __future__ import annotations

from application.ports.payment_gateway import GatewayPayment, PaymentGateway
from domain.errors import GatewayFailed
from domain.orders import Order

CAPTURED, AUTHORIZED = "captured", "authorized"


async def captured_at_gateway(gateway: PaymentGateway, order: Order, payment: GatewayPayment) -> GatewayPayment:
    """The payment after capturing it when it was authorized; its status says whether that worked.

    Raises GatewayFailed only when the gateway cannot be asked again after a refused capture.
    """
    if payment.status != AUTHORIZED:
        return payment
    try:
        return await gateway.capture_payment(payment.payment_id, order.amount, order.currency)
    except GatewayFailed:
        # Refused, or captured meanwhile by a concurrent verify or the account's auto-capture: ask again.
        return await gateway.fetch_payment(payment.payment_id)
