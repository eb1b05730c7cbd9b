"""The Razorpay adapter over the official SDK against a local stub of the Orders API, alone and inside the app."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.razorpay import signatures
from adapters.razorpay.gateway import RazorpayGateway
from domain.errors import GatewayFailed
from entrypoints.harness import build_harness
from tests.e2e.billing import STARTER, books, deliver, order_of
from tests.e2e.conftest import GENEROUS_LIMITS, Api, serving
from tests.support.razorpay_stub import (
    BAD_REQUEST,
    KEY_ID,
    KEY_SECRET,
    OLD_WEBHOOK_SECRET,
    SERVER_ERROR,
    SLOW,
    WEBHOOK_SECRET,
    Delivery,
    RazorpayStub,
    razorpay_stub,
)

TIMEOUT = 0.5


@pytest.fixture
def stub() -> Iterator[RazorpayStub]:
    with razorpay_stub() as running:
        yield running


@pytest.fixture
def gateway(stub: RazorpayStub) -> RazorpayGateway:
    return RazorpayGateway(KEY_ID, KEY_SECRET, (WEBHOOK_SECRET,), stub.url, timeout=TIMEOUT)


@pytest.fixture
async def shop(stub: RazorpayStub) -> AsyncIterator[Api]:
    """The app configured for Razorpay, its base URL pointed at the stub."""
    harness = build_harness(
        payment_gateway="razorpay",
        razorpay_key_id=KEY_ID,
        razorpay_key_secret=KEY_SECRET,
        razorpay_webhook_secrets=f"{WEBHOOK_SECRET}, {OLD_WEBHOOK_SECRET}",  # rotated: newest first
        razorpay_base_url=stub.url,
        razorpay_timeout_seconds=TIMEOUT,
        order_reconcile_after_seconds=0,
        **GENEROUS_LIMITS,
    )
    async with serving(harness) as client:
        yield client


async def send(api: Api, hook: Delivery) -> int:
    return (await deliver(api.http, hook.body, hook.signature, hook.event_id)).status_code


async def test_an_order_is_created_as_the_orders_api_documents(stub: RazorpayStub, gateway: RazorpayGateway) -> None:
    order_id = uuid.uuid4()

    created = await gateway.create_order(order_id, 9_900, "INR", "Starter: 50 credits")

    (request,) = stub.seen
    assert (request.method, request.path) == ("POST", "/v1/orders")
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
    assert request.headers["Content-type"] == "application/json"
    assert request.body == {"amount": 9_900, "currency": "INR", "receipt": order_id.hex, "notes": {"order_id": str(order_id)}}
    assert created.gateway_order_id in stub.orders
    assert created.checkout.to_dict() == {
        "gateway": "razorpay",
        "key_id": KEY_ID,
        "gateway_order_id": created.gateway_order_id,
        "amount": 9_900,
        "currency": "INR",
        "name": "Pixelmill",
        "description": "Starter: 50 credits",
    }


@pytest.mark.parametrize("mode", [BAD_REQUEST, SERVER_ERROR])
async def test_an_error_answer_is_a_gateway_failure(stub: RazorpayStub, gateway: RazorpayGateway, mode: str) -> None:
    stub.mode = mode

    with pytest.raises(GatewayFailed):
        await gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")


async def test_a_slow_answer_is_a_gateway_failure_after_the_timeout(stub: RazorpayStub, gateway: RazorpayGateway) -> None:
    stub.mode = SLOW
    started = time.monotonic()

    with pytest.raises(GatewayFailed):
        await gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")

    assert time.monotonic() - started < TIMEOUT + 2


async def test_an_unreachable_gateway_is_a_gateway_failure() -> None:
    dead = RazorpayGateway(KEY_ID, KEY_SECRET, (WEBHOOK_SECRET,), "http://127.0.0.1:9", timeout=TIMEOUT)

    with pytest.raises(GatewayFailed):
        await dead.create_order(uuid.uuid4(), 9_900, "INR", "Starter")


async def test_wrong_credentials_are_a_gateway_failure(stub: RazorpayStub) -> None:
    wrong = RazorpayGateway(KEY_ID, "not-the-secret", (WEBHOOK_SECRET,), stub.url, timeout=TIMEOUT)

    with pytest.raises(GatewayFailed):
        await wrong.create_order(uuid.uuid4(), 9_900, "INR", "Starter")


async def test_an_orders_payments_are_fetched_for_reconciliation(stub: RazorpayStub, gateway: RazorpayGateway) -> None:
    created = await gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")
    failed = stub.pay(created.gateway_order_id, status="failed")
    captured = stub.pay(created.gateway_order_id)

    payments = await gateway.fetch_order_payments(created.gateway_order_id)

    assert [(p.payment_id, p.amount, p.currency, p.status) for p in payments] == [
        (failed["id"], 9_900, "INR", "failed"),
        (captured["id"], 9_900, "INR", "captured"),
    ]
    assert stub.seen[-1].path == f"/v1/orders/{created.gateway_order_id}/payments"
    with pytest.raises(GatewayFailed):
        await gateway.fetch_order_payments("order_unknown")
    stub.mode = SERVER_ERROR
    with pytest.raises(GatewayFailed):
        await gateway.fetch_order_payments(created.gateway_order_id)


async def test_a_purchase_goes_through_razorpay_checkout_verify_and_webhook(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()

    response = await user.post("/api/v1/orders", json={"plan_id": STARTER})
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["gateway"] == "razorpay" and order["gateway_order_id"] in stub.orders
    assert order["checkout"] == {
        "gateway": "razorpay",
        "key_id": KEY_ID,
        "gateway_order_id": order["gateway_order_id"],
        "amount": 9_900,
        "currency": "INR",
        "name": "Pixelmill",
        "description": "Starter: 50 credits",
    }

    # What Razorpay Checkout hands its handler once the buyer paid: signed with the key secret.
    payment = stub.pay(order["gateway_order_id"])
    verify = {
        "razorpay_order_id": order["gateway_order_id"],
        "razorpay_payment_id": payment["id"],
        "razorpay_signature": signatures.sign(KEY_SECRET, f"{order['gateway_order_id']}|{payment['id']}".encode()),
    }
    verified = await user.post(f"/api/v1/orders/{order['id']}/verify", json=verify)
    assert verified.status_code == 200 and verified.json()["status"] == "paid"

    # Then Razorpay's own webhooks arrive, signed with the webhook secret: nothing more is granted.
    for kind in ("payment.captured", "order.paid"):
        assert await send(shop, stub.webhook(kind, payment)) == 200
    balance, purchases = await books(user)
    assert balance == 60 and [p["order_id"] for p in purchases] == [order["id"]]
    assert (await shop.http.get(f"/sandbox/checkout/{order['gateway_order_id']}")).status_code == 404


async def test_a_webhook_alone_pays_a_razorpay_order_once(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    hook = stub.webhook("payment.captured", stub.pay(order["gateway_order_id"]))

    responses = [await send(shop, hook) for _ in range(3)]
    wrong = await deliver(shop.http, hook.body, signatures.sign("the-sandbox-secret", hook.body), "evt_2")

    assert responses == [200, 200, 200] and wrong.status_code == 400
    assert (await order_of(user, order))["status"] == "paid"
    assert (await books(user))[0] == 60


async def test_reconciliation_credits_a_paid_order_whose_webhook_was_lost(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    paid = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    unpaid = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    stub.pay(paid["gateway_order_id"])

    reconciled = await shop.harness.container.reconcile_orders()()

    assert (reconciled.checked, reconciled.captured, reconciled.abandoned) == (2, 1, 0)
    assert (await order_of(user, paid))["status"] == "paid"
    assert (await order_of(user, unpaid))["status"] == "created"
    assert (await books(user))[0] == 60


@pytest.mark.parametrize("mode", [BAD_REQUEST, SERVER_ERROR, SLOW])
async def test_a_failed_order_creation_is_a_502_problem_and_stores_nothing(shop: Api, stub: RazorpayStub, mode: str) -> None:
    user = await shop.new_user()
    stub.mode = mode

    response = await user.post("/api/v1/orders", json={"plan_id": STARTER})

    assert response.status_code == 502, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("gateway-failed")
    assert KEY_SECRET not in response.text
    assert (await user.get("/api/v1/orders")).json()["items"] == []
    assert await books(user) == (10, [])
