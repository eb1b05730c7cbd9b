"""The gateway port's payment calls, the same cases against the sandbox (the fake) and Razorpay's adapter on the stub.

Also: Pixelmill's parser reads the events the stub builds field by field from Razorpay's documentation.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.razorpay.events import parse_event
from adapters.razorpay.gateway import RazorpayGateway
from adapters.sandbox.gateway import SandboxGateway
from application.ports.payment_gateway import PaymentCaptured, PaymentFailed, PaymentGateway, RefundProcessed
from domain.errors import GatewayFailed
from tests.support.razorpay_stub import RazorpayStub


@dataclass
class World:
    """A gateway, and what buyers and merchants do at it."""

    gateway: PaymentGateway
    stub: RazorpayStub | None = None

    async def order(self) -> str:
        return (await self.gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")).gateway_order_id

    def pay(self, order_id: str, status: str) -> str:
        if self.stub is not None:
            return str(self.stub.pay(order_id, status=status)["id"])
        assert isinstance(self.gateway, SandboxGateway)
        return self.gateway.pay(order_id, 9_900, "INR", status=status).payment_id

    def refund(self, order_id: str, payment_id: str, amount: int) -> str:
        if self.stub is not None:
            return str(self.stub.refund(payment_id, amount)["id"])
        assert isinstance(self.gateway, SandboxGateway)
        payment = next(p for p in self.gateway.payments[order_id] if p.payment_id == payment_id)
        self.gateway.refund_event(order_id, payment, amount)
        return self.gateway.refunds[payment_id][-1].refund_id


@pytest.fixture(params=["sandbox", "razorpay"])
async def world(request: pytest.FixtureRequest, stub: RazorpayStub, gateway: RazorpayGateway) -> AsyncIterator[World]:
    if request.param == "sandbox":
        yield World(SandboxGateway("key-secret", "webhook-secret"))
    else:
        yield World(gateway, stub)


async def test_a_payment_is_fetched_as_the_gateway_holds_it(world: World) -> None:
    order_id = await world.order()
    captured, failed = world.pay(order_id, "captured"), world.pay(order_id, "failed")

    fetched = [await world.gateway.fetch_payment(payment_id) for payment_id in (captured, failed)]

    assert [(p.payment_id, p.amount, p.currency, p.status, p.order_id) for p in fetched] == [
        (captured, 9_900, "INR", "captured", order_id),
        (failed, 9_900, "INR", "failed", order_id),
    ]
    with pytest.raises(GatewayFailed):
        await world.gateway.fetch_payment("pay_NeverMade0000")


async def test_an_authorized_payment_is_captured_once_for_exactly_its_amount(world: World) -> None:
    order_id = await world.order()
    authorized = world.pay(order_id, "authorized")

    with pytest.raises(GatewayFailed):
        await world.gateway.capture_payment(authorized, 9_800, "INR")
    captured = await world.gateway.capture_payment(authorized, 9_900, "INR")
    with pytest.raises(GatewayFailed):
        await world.gateway.capture_payment(authorized, 9_900, "INR")

    assert captured.status == "captured"
    assert (await world.gateway.fetch_payment(authorized)).status == "captured"


async def test_a_payments_refunds_are_listed(world: World) -> None:
    order_id = await world.order()
    payment = world.pay(order_id, "captured")
    first, second = world.refund(order_id, payment, 3_000), world.refund(order_id, payment, 6_900)

    refunds = await world.gateway.fetch_payment_refunds(payment)

    assert [(r.refund_id, r.payment_id, r.amount, r.currency, r.status) for r in refunds] == [
        (first, payment, 3_000, "INR", "processed"),
        (second, payment, 6_900, "INR", "processed"),
    ]
    assert await world.gateway.fetch_payment_refunds(world.pay(order_id, "failed")) == []


async def test_the_parser_reads_razorpays_documented_events(stub: RazorpayStub, gateway: RazorpayGateway) -> None:
    order_id = (await gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")).gateway_order_id
    failed = stub.pay(order_id, status="failed")
    paid = stub.pay(order_id)
    duplicate = stub.pay(order_id)
    (auto_refund,) = stub.refunds[duplicate["id"]]

    assert parse_event(stub.webhook("payment.captured", paid).body) == PaymentCaptured(
        "payment.captured", order_id, paid["id"], 9_900, "INR"
    )
    assert parse_event(stub.webhook("order.paid", paid).body) == PaymentCaptured(
        "order.paid", order_id, paid["id"], 9_900, "INR"
    )
    assert parse_event(stub.webhook("payment.failed", failed).body) == PaymentFailed(
        "payment.failed", order_id, failed["id"], 9_900, "INR", "Payment failed"
    )
    assert parse_event(stub.webhook("refund.processed", duplicate, auto_refund).body) == RefundProcessed(
        "refund.processed", order_id, duplicate["id"], auto_refund["id"], 9_900, "INR"
    )
