"""Refunds as Razorpay sends them: only a refund of the payment that granted the credits takes them back."""

from __future__ import annotations

from tests.e2e.billing import STARTER, books, order_of
from tests.e2e.conftest import Api
from tests.integration.razorpay.conftest import send
from tests.support.razorpay_stub import RazorpayStub


async def test_a_duplicate_payment_auto_refunded_by_razorpay_leaves_the_paid_credits(
    shop: Api, stub: RazorpayStub
) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    granting = stub.pay(order["gateway_order_id"])
    assert await send(shop, stub.webhook("payment.captured", granting)) == 200

    duplicate = stub.pay(order["gateway_order_id"])  # the buyer paid twice: Razorpay refunds it at once
    (auto_refund,) = stub.refunds[duplicate["id"]]
    assert (duplicate["captured"], duplicate["status"]) == (False, "refunded")

    assert await send(shop, stub.webhook("refund.processed", duplicate, auto_refund)) == 200
    assert (await books(user))[0] == 60
    assert (await order_of(user, order))["status"] == "paid"

    # A refund the merchant makes of the granting payment still takes back its share.
    half = stub.refund(granting["id"], order["amount"] // 2)
    assert await send(shop, stub.webhook("refund.processed", granting, half)) == 200
    assert (await books(user))[0] == 35


async def test_an_authorized_payment_auto_refunded_on_an_order_another_payment_paid_takes_nothing(
    shop: Api, stub: RazorpayStub
) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    left_authorized = stub.pay(order["gateway_order_id"], status="authorized")
    granting = stub.pay(order["gateway_order_id"])
    assert await send(shop, stub.webhook("order.paid", granting)) == 200

    refund = stub.auto_refund(left_authorized["id"])

    assert await send(shop, stub.webhook("refund.processed", left_authorized, refund)) == 200
    assert (await books(user))[0] == 60


async def test_payment_failed_then_captured_for_a_upi_retry_pays_the_order_once(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    failed = stub.pay(order["gateway_order_id"], status="failed")
    retried = stub.pay(order["gateway_order_id"])

    statuses = [
        await send(shop, stub.webhook("payment.failed", failed)),
        await send(shop, stub.webhook("payment.captured", retried)),
        await send(shop, stub.webhook("order.paid", retried)),
    ]

    assert statuses == [200, 200, 200]
    assert (await order_of(user, order))["status"] == "paid" and (await books(user))[0] == 60
