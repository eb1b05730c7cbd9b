"""Plans and orders over HTTP: the Billing table of API.md, with its bad inputs."""

from __future__ import annotations

import asyncio
import uuid

from tests.e2e.billing import STARTER, books, deliver_hook, event, order_of, pay_at_gateway, place, sandbox, shop
from tests.e2e.conftest import Api

__all__ = ["shop"]  # the fixture, imported for pytest


async def test_plans_are_public_and_priced_in_paise(shop: Api) -> None:
    response = await shop.http.get("/api/v1/plans")

    assert response.status_code == 200
    assert response.json()[0] == {"id": STARTER, "name": "Starter", "credits": 50, "price": 9900, "currency": "INR"}
    assert [p["name"] for p in response.json()] == ["Starter", "Standard", "Pro"]


async def test_an_order_is_created_with_what_checkout_needs(shop: Api) -> None:
    user = await shop.new_user()

    order = await place(user)

    assert order["status"] == "created" and order["paid_at"] is None
    assert {k: order[k] for k in ("plan_id", "credits", "amount", "currency", "gateway")} == {
        "plan_id": STARTER, "credits": 50, "amount": 9900, "currency": "INR", "gateway": "sandbox",
    }  # fmt: skip
    checkout = order["checkout"]
    assert checkout["gateway"] == "sandbox"
    assert checkout["checkout_url"] == f"http://testserver/sandbox/checkout/{order['gateway_order_id']}"
    assert await order_of(user, order) == {k: v for k, v in order.items() if k != "checkout"}
    assert await books(user) == (10, [])


async def test_orders_are_listed_newest_first_and_only_the_buyers(shop: Api) -> None:
    user, other = await shop.new_user(), await shop.new_user()
    placed = [await place(user) for _ in range(3)]
    await place(other)

    first = (await user.get("/api/v1/orders", params={"limit": 2})).json()
    rest = (await user.get("/api/v1/orders", params={"limit": 2, "cursor": first["next_cursor"]})).json()

    assert [o["id"] for o in first["items"] + rest["items"]] == [o["id"] for o in reversed(placed)]
    assert rest["next_cursor"] is None
    assert (await user.get("/api/v1/orders", params={"cursor": "nonsense"})).status_code == 422
    assert (await user.get("/api/v1/orders", params={"limit": 0})).status_code == 422


async def test_another_users_order_is_404_on_every_route(shop: Api) -> None:
    user, stranger = await shop.new_user(), await shop.new_user()
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    body = {
        "razorpay_order_id": order["gateway_order_id"],
        "razorpay_payment_id": payment.payment_id,
        "razorpay_signature": sandbox(shop).sign_checkout(order["gateway_order_id"], payment.payment_id),
    }

    assert (await stranger.get(f"/api/v1/orders/{order['id']}")).status_code == 404
    assert (await stranger.post(f"/api/v1/orders/{order['id']}/verify", json=body)).status_code == 404
    assert (await user.get(f"/api/v1/orders/{uuid.uuid4()}")).status_code == 404
    assert (await order_of(user, order))["status"] == "created"


async def test_an_unknown_or_disabled_plan_is_404_and_stores_nothing(shop: Api) -> None:
    user = await shop.new_user()
    await shop.harness.container.disable_plan()(uuid.UUID(STARTER))

    for plan_id in (str(uuid.uuid4()), STARTER):
        response = await user.post("/api/v1/orders", json={"plan_id": plan_id})
        assert response.status_code == 404, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
    assert STARTER not in {p["id"] for p in (await shop.http.get("/api/v1/plans")).json()}
    assert (await user.get("/api/v1/orders")).json()["items"] == []


async def test_a_malformed_order_body_is_400_and_a_bad_plan_id_422(shop: Api) -> None:
    user = await shop.new_user()

    assert (await user.post("/api/v1/orders", content=b"{", headers={"Content-Type": "application/json"})).status_code == 400
    assert (await user.post("/api/v1/orders", json={"plan_id": "starter"})).status_code == 422
    assert (await user.post("/api/v1/orders", json={})).status_code == 422
    assert (await user.post("/api/v1/orders", json={"plan_id": STARTER, "price": 1})).status_code == 422


async def test_verify_with_checkouts_signature_pays_once(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    body = {
        "razorpay_order_id": order["gateway_order_id"],
        "razorpay_payment_id": payment.payment_id,
        "razorpay_signature": sandbox(shop).sign_checkout(order["gateway_order_id"], payment.payment_id),
    }

    first = await user.post(f"/api/v1/orders/{order['id']}/verify", json=body)
    second = await user.post(f"/api/v1/orders/{order['id']}/verify", json=body)

    assert first.status_code == second.status_code == 200, first.text
    assert first.json()["status"] == "paid" and first.json()["paid_at"]
    balance, purchases = await books(user)
    assert balance == 60 and [(p["delta"], p["order_id"]) for p in purchases] == [(50, order["id"])]


async def test_verify_with_a_wrong_truncated_or_foreign_signature_is_400_and_changes_nothing(shop: Api) -> None:
    user = await shop.new_user()
    order, other = await place(user), await place(user)
    payment = pay_at_gateway(shop, order)
    good = sandbox(shop).sign_checkout(order["gateway_order_id"], payment.payment_id)
    foreign = sandbox(shop).sign_checkout(other["gateway_order_id"], payment.payment_id)
    fields = ("razorpay_order_id", "razorpay_payment_id", "razorpay_signature")
    bodies = [
        dict(zip(fields, values, strict=True))
        for values in [
            (order["gateway_order_id"], payment.payment_id, "0" * 64),  # wrong
            (order["gateway_order_id"], payment.payment_id, good[:40]),  # truncated
            (order["gateway_order_id"], "pay_other", good),  # another payment
            (other["gateway_order_id"], payment.payment_id, foreign),  # another order's, validly signed
        ]
    ]

    for body in bodies:
        response = await user.post(f"/api/v1/orders/{order['id']}/verify", json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["type"].endswith("invalid-signature")

    assert (await order_of(user, order))["status"] == "created"
    assert await books(user) == (10, [])
    missing = await user.post(f"/api/v1/orders/{order['id']}/verify", json={"razorpay_order_id": order["gateway_order_id"]})
    assert missing.status_code == 422


async def test_verify_and_webhooks_at_once_grant_once(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    body = {
        "razorpay_order_id": order["gateway_order_id"],
        "razorpay_payment_id": payment.payment_id,
        "razorpay_signature": sandbox(shop).sign_checkout(order["gateway_order_id"], payment.payment_id),
    }

    responses = await asyncio.gather(
        user.post(f"/api/v1/orders/{order['id']}/verify", json=body),
        deliver_hook(shop.http, event(shop, "order.paid", order, payment)),
        deliver_hook(shop.http, event(shop, "payment.captured", order, payment)),
        user.post(f"/api/v1/orders/{order['id']}/verify", json=body),
    )

    assert [r.status_code for r in responses] == [200, 200, 200, 200], [r.text for r in responses]
    assert responses[0].json()["status"] == "paid"
    balance, purchases = await books(user)
    assert balance == 60 and len(purchases) == 1
