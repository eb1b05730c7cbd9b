"""Verify asks Razorpay about the payment: a signature proves a payment was made, not that it was captured."""

from __future__ import annotations

from typing import Any

from adapters.razorpay import signatures
from tests.e2e.billing import STARTER, books, order_of
from tests.e2e.conftest import Api
from tests.support.razorpay_stub import KEY_SECRET, RazorpayStub


def checkout_result(order: dict[str, Any], payment: dict[str, Any]) -> dict[str, str]:
    """What Razorpay Checkout hands its handler, signed with the key secret."""
    message = f"{order['gateway_order_id']}|{payment['id']}".encode()
    return {
        "razorpay_order_id": order["gateway_order_id"],
        "razorpay_payment_id": payment["id"],
        "razorpay_signature": signatures.sign(KEY_SECRET, message),
    }


async def test_an_authorized_payment_is_captured_through_the_api_then_granted(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    payment = stub.pay(order["gateway_order_id"], status="authorized")  # an account on manual capture

    verified = await user.post(f"/api/v1/orders/{order['id']}/verify", json=checkout_result(order, payment))

    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "paid" and (await books(user))[0] == 60
    capture = [seen for seen in stub.seen if seen.path == f"/v1/payments/{payment['id']}/capture"]
    assert [seen.body for seen in capture] == [{"amount": 9_900, "currency": "INR"}]
    assert (payment["status"], payment["captured"]) == ("captured", True)


async def test_a_captured_payment_is_fetched_and_granted_without_a_capture_call(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    payment = stub.pay(order["gateway_order_id"])

    verified = await user.post(f"/api/v1/orders/{order['id']}/verify", json=checkout_result(order, payment))

    assert verified.status_code == 200 and (await books(user))[0] == 60
    paths = [(seen.method, seen.path) for seen in stub.seen if "/payments/" in seen.path]
    assert paths == [("GET", f"/v1/payments/{payment['id']}")]


async def test_an_authorized_payment_auto_refunded_before_verify_grants_nothing(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    payment = stub.pay(order["gateway_order_id"], status="authorized")
    stub.auto_refund(payment["id"])

    refused = await user.post(f"/api/v1/orders/{order['id']}/verify", json=checkout_result(order, payment))

    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("payment-not-captured")
    assert (await order_of(user, order))["status"] == "created" and (await books(user))[0] == 10


async def test_a_failed_payment_grants_nothing_and_a_retry_on_the_same_order_does(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    failed = stub.pay(order["gateway_order_id"], status="failed")

    refused = await user.post(f"/api/v1/orders/{order['id']}/verify", json=checkout_result(order, failed))
    retried = stub.pay(order["gateway_order_id"])
    paid = await user.post(f"/api/v1/orders/{order['id']}/verify", json=checkout_result(order, retried))

    assert (refused.status_code, paid.status_code) == (409, 200)
    assert (await books(user))[0] == 60
