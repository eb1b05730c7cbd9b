"""Reconciliation against the stub: a capture on a failed order and a refund whose webhooks were both lost."""

from __future__ import annotations

from tests.e2e.billing import STARTER, books, order_of
from tests.e2e.conftest import Api
from tests.integration.razorpay.conftest import send
from tests.support.razorpay_stub import RazorpayStub


async def test_a_failed_order_then_captured_on_a_retry_is_paid_by_reconciliation(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    failed = stub.pay(order["gateway_order_id"], status="failed")
    assert await send(shop, stub.webhook("payment.failed", failed)) == 200
    assert (await order_of(user, order))["status"] == "failed"
    stub.pay(order["gateway_order_id"])  # the UPI retry succeeds; its payment.captured is lost

    reconciled = await shop.harness.container.reconcile_orders()()

    assert reconciled.captured == 1
    assert (await order_of(user, order))["status"] == "paid" and (await books(user))[0] == 60


async def test_a_refund_whose_webhook_was_lost_is_found_and_reverses_once(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    payment = stub.pay(order["gateway_order_id"])
    assert await send(shop, stub.webhook("payment.captured", payment)) == 200
    refund = stub.refund(payment["id"])  # refund.processed never arrives (the webhook was disabled)

    first = await shop.harness.container.reconcile_orders()()
    second = await shop.harness.container.reconcile_orders()()
    late = await send(shop, stub.webhook("refund.processed", payment, refund))

    assert (first.refunds.reversed, second.refunds.reversed, late) == (1, 0, 200)
    assert (await books(user))[0] == 10
    asked = [seen.path for seen in stub.seen if seen.path.startswith(f"/v1/payments/{payment['id']}/refunds")]
    assert asked == [f"/v1/payments/{payment['id']}/refunds?count=100"] * 2


async def test_an_authorized_payment_whose_buyer_left_before_verify_is_captured(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    payment = stub.pay(order["gateway_order_id"], status="authorized")  # manual capture; the tab was closed

    reconciled = await shop.harness.container.reconcile_orders()()

    assert reconciled.captured == 1 and (await books(user))[0] == 60
    assert (payment["status"], payment["captured"]) == ("captured", True)
