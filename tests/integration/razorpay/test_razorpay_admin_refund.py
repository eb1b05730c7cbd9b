"""An admin's refund against the Razorpay stub, over HTTP and from the CLI: the money goes back once, a gateway that
is down leaves a pending refund that the same request retries, and the refund.processed that follows takes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from uuid import UUID

from application.use_cases.billing.capture_credits import CapturePayment
from domain.orders import PaymentSource
from domain.plans import DEFAULT_PLANS
from entrypoints.container import build_container
from entrypoints.settings import load_settings
from tests.e2e.billing import STARTER, books
from tests.e2e.conftest import Api
from tests.integration.razorpay.conftest import TIMEOUT, send
from tests.integration.test_cli import env, pixelmill, query, sign_up  # noqa: F401 (env is a fixture)
from tests.support.razorpay_stub import KEY_ID, KEY_SECRET, OK, SERVER_ERROR, WEBHOOK_SECRET, RazorpayStub

PROBLEM = "application/problem+json"


async def an_admin(api: Api) -> Api:
    admin = await api.new_user()
    await api.harness.container.promote_user()(admin.email, "tests")  # type: ignore[attr-defined]
    return admin


async def paid_order(shop: Api, stub: RazorpayStub, user: Api) -> tuple[dict[str, Any], dict[str, Any]]:
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()
    payment = stub.pay(order["gateway_order_id"])
    assert await send(shop, stub.webhook("payment.captured", payment)) == 200
    return order, payment


def refund_posts(stub: RazorpayStub, payment_id: str) -> list[Any]:
    return [s for s in stub.seen if s.method == "POST" and s.path == f"/v1/payments/{payment_id}/refund"]


async def test_razorpay_down_then_up_refunds_the_money_once(shop: Api, stub: RazorpayStub) -> None:
    admin, user = await an_admin(shop), await shop.new_user()
    before, _ = await books(user)
    order, payment = await paid_order(shop, stub, user)
    route = f"/api/v1/admin/orders/{order['id']}/refund"

    stub.mode = SERVER_ERROR
    down = await admin.post(route, json={"reason": "customer asked"})
    stub.mode = OK
    retried = await admin.post(route, json={"reason": "retry"})
    again = await admin.post(route, json={"reason": "again"})
    (refund,) = stub.refunds[payment["id"]]
    late = await send(shop, stub.webhook("refund.processed", payment, refund))

    assert down.status_code == 502 and down.headers["content-type"].startswith(PROBLEM)
    assert "pending" in down.json()["detail"]
    assert retried.status_code == 201, retried.text
    assert retried.json()["gateway_refund_id"] == refund["id"] and refund["amount"] == order["amount"]
    assert again.status_code == 409 and late == 200
    # Both attempts sent the same body and idempotency key (Razorpay's rule for a safe retry).
    first, second = refund_posts(stub, payment["id"])
    assert first.body == second.body and first.body["speed"] == "normal"
    assert first.headers["X-Refund-Idempotency"] == second.headers["X-Refund-Idempotency"]
    assert payment["refund_status"] == "full" and (await books(user))[0] == before


async def test_two_admins_at_once_make_one_razorpay_refund(shop: Api, stub: RazorpayStub) -> None:
    first, second, user = await an_admin(shop), await an_admin(shop), await shop.new_user()
    before, _ = await books(user)
    order, payment = await paid_order(shop, stub, user)
    route = f"/api/v1/admin/orders/{order['id']}/refund"

    answers = await asyncio.gather(*(admin.post(route, json={"reason": "race"}) for admin in (first, second)))

    assert sorted(a.status_code for a in answers) == [201, 409]
    assert len(refund_posts(stub, payment["id"])) == 1 and len(stub.refunds[payment["id"]]) == 1
    assert (await books(user))[0] == before


async def captured_at_the_stub(env: dict[str, str], stub: RazorpayStub, email: str) -> tuple[UUID, str]:  # noqa: F811
    container = build_container(load_settings(env))
    try:
        [buyer] = (await container.find_users()(email, 1, None)).items
        order = (await container.create_order()(buyer.id, DEFAULT_PLANS[0].id)).order
        payment = stub.pay(order.gateway_order_id)
        await container.capture_credits()(
            CapturePayment(order.id, payment["id"], order.amount, order.currency, PaymentSource.WEBHOOK)
        )
        return order.id, payment["id"]
    finally:
        await container.engine().dispose()


async def test_the_cli_says_the_money_is_pending_when_razorpay_is_down_and_a_rerun_refunds_it(
    tmp_path: Path, env: dict[str, str], stub: RazorpayStub  # noqa: F811
) -> None:
    env = {
        **env,
        "PIXELMILL_PAYMENT_GATEWAY": "razorpay",
        "PIXELMILL_RAZORPAY_KEY_ID": KEY_ID,
        "PIXELMILL_RAZORPAY_KEY_SECRET": KEY_SECRET,
        "PIXELMILL_RAZORPAY_WEBHOOK_SECRETS": WEBHOOK_SECRET,
        "PIXELMILL_RAZORPAY_BASE_URL": stub.url,
        "PIXELMILL_RAZORPAY_TIMEOUT_SECONDS": str(TIMEOUT),
    }
    assert pixelmill(tmp_path, env, "migrate").returncode == 0
    await sign_up(env, "ada@example.com")
    order_id, payment_id = await captured_at_the_stub(env, stub, "ada@example.com")

    stub.mode = SERVER_ERROR
    down = pixelmill(tmp_path, env, "orders", "refund", str(order_id), "--reason", "customer asked")
    stub.mode = OK
    rerun = pixelmill(tmp_path, env, "orders", "refund", str(order_id), "--reason", "retry")
    third = pixelmill(tmp_path, env, "orders", "refund", str(order_id), "--reason", "again")

    assert down.returncode == 1 and "pending" in down.stderr and "credits were taken back" in down.stderr
    assert rerun.returncode == 0, rerun.stderr
    (refund,) = stub.refunds[payment_id]
    assert f"money refunded through the gateway: 9900 (refund {refund['id']})" in rerun.stdout
    assert third.returncode == 1 and "already refunded" in third.stderr
    assert query(tmp_path / "x.db", "SELECT gateway_refund_id, last_error FROM money_refunds") == [(refund["id"], None)]
