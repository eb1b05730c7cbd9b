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


async def test_a_refund_returns_captured_money_once_per_idempotency_key(world: World) -> None:
    order_id = await world.order()
    payment = world.pay(order_id, "captured")
    key = f"pixelmill-refund-{uuid.uuid4().hex}"

    made = await world.gateway.refund(payment, 9_900, "INR", key, "receipt-1", {"order_id": "o-1"})
    again = await world.gateway.refund(payment, 9_900, "INR", key, "receipt-1", {"order_id": "o-1"})

    assert (made.payment_id, made.amount, made.currency, made.status) == (payment, 9_900, "INR", "processed")
    assert again.refund_id == made.refund_id
    assert [r.refund_id for r in await world.gateway.fetch_payment_refunds(payment)] == [made.refund_id]


async def test_a_refund_is_refused_beyond_what_is_left_or_for_money_never_captured(world: World) -> None:
    order_id = await world.order()
    payment = world.pay(order_id, "captured")
    world.refund(order_id, payment, 9_000)

    with pytest.raises(GatewayFailed):
        await world.gateway.refund(payment, 1_000, "INR", "pixelmill-refund-too-much", "r", {})
    with pytest.raises(GatewayFailed):
        await world.gateway.refund(world.pay(order_id, "failed"), 9_900, "INR", "pixelmill-refund-failed", "r", {})
    partial = await world.gateway.refund(payment, 900, "INR", "pixelmill-refund-the-rest", "r", {})

    assert partial.amount == 900
    assert len(await world.gateway.fetch_payment_refunds(payment)) == 2


async def test_razorpays_refund_request_is_a_normal_refund_with_receipt_notes_and_idempotency_key(
    stub: RazorpayStub, gateway: RazorpayGateway
) -> None:
    order_id = (await gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")).gateway_order_id
    payment = str(stub.pay(order_id)["id"])

    made = await gateway.refund(payment, 9_900, "INR", "pixelmill-refund-0001", "0001", {"order_id": "o"})

    (seen,) = [s for s in stub.seen if s.path == f"/v1/payments/{payment}/refund"]
    assert seen.method == "POST" and seen.headers["X-Refund-Idempotency"] == "pixelmill-refund-0001"
    assert seen.body == {"amount": 9_900, "speed": "normal", "notes": {"order_id": "o"}, "receipt": "0001"}
    (listed,) = stub.refunds[payment]
    assert (listed["id"], listed["receipt"], listed["notes"]) == (made.refund_id, "0001", {"order_id": "o"})


async def test_razorpay_failing_a_refund_raises_gateway_failed(stub: RazorpayStub, gateway: RazorpayGateway) -> None:
    order_id = (await gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")).gateway_order_id
    payment = str(stub.pay(order_id)["id"])
    stub.mode = "server-error"

    with pytest.raises(GatewayFailed):
        await gateway.refund(payment, 9_900, "INR", "pixelmill-refund-0002", "0002", {})

    assert stub.refunds.get(payment, []) == []
