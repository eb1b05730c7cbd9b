"""An admin refunds an order's credits over HTTP on every store: once, audited, and a later gateway refund takes nothing."""

from __future__ import annotations

import asyncio

from tests.e2e.billing import books, deliver_hook, event, pay_at_gateway, place, sandbox, shop  # noqa: F401
from domain.errors import GatewayFailed
from tests.e2e.conftest import Api

PROBLEM = "application/problem+json"


async def an_admin(api: Api) -> Api:
    admin = await api.new_user()
    await api.harness.container.promote_user()(admin.email, "tests")  # type: ignore[attr-defined]
    return admin


async def test_an_admin_refund_takes_the_credits_back_once_and_the_gateways_refund_takes_nothing_more(
    shop: Api,  # noqa: F811
) -> None:
    admin, user = await an_admin(shop), await shop.new_user()
    before, _ = await books(user)
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    assert (await deliver_hook(shop.http, event(shop, "payment.captured", order, payment))).status_code == 200
    route = f"/api/v1/admin/orders/{order['id']}/refund"

    no_reason = await admin.post(route, json={})
    refunded = await admin.post(route, json={"reason": "customer asked"})
    again = await admin.post(route, json={"reason": "double click"})
    later = sandbox(shop).refund_event(order["gateway_order_id"], payment, order["amount"])
    assert (await deliver_hook(shop.http, later)).status_code == 200

    assert no_reason.status_code == 422
    assert refunded.status_code == 201, refunded.text
    assert refunded.json()["credits_reversed"] == order["credits"] and refunded.json()["shortfall"] == 0
    assert again.status_code == 409 and again.headers["content-type"].startswith(PROBLEM)
    balance, _ = await books(user)
    assert balance == before
    audit = (await admin.get("/api/v1/admin/audit")).json()["items"]
    refunds = [e for e in audit if e["action"] == "refund_order"]
    assert len(refunds) == 1 and refunds[0]["reason"].endswith("customer asked")


async def test_refunding_an_unpaid_or_unknown_order_changes_nothing(shop: Api) -> None:  # noqa: F811
    admin, user = await an_admin(shop), await shop.new_user()
    order = await place(user)

    unpaid = await admin.post(f"/api/v1/admin/orders/{order['id']}/refund", json={"reason": "x"})
    unknown = await admin.post("/api/v1/admin/orders/00000000-0000-0000-0000-000000000001/refund", json={"reason": "x"})
    as_user = await user.post(f"/api/v1/admin/orders/{order['id']}/refund", json={"reason": "x"})

    assert (unpaid.status_code, unknown.status_code, as_user.status_code) == (409, 404, 404)
    assert [e["action"] for e in (await admin.get("/api/v1/admin/audit")).json()["items"]].count("refund_order") == 0


async def test_two_admins_refunding_at_once_take_the_credits_once(shop: Api) -> None:  # noqa: F811
    first, second, user = await an_admin(shop), await an_admin(shop), await shop.new_user()
    before, _ = await books(user)
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    assert (await deliver_hook(shop.http, event(shop, "payment.captured", order, payment))).status_code == 200
    route = f"/api/v1/admin/orders/{order['id']}/refund"

    answers = await asyncio.gather(*(admin.post(route, json={"reason": "race"}) for admin in (first, second)))

    assert sorted(a.status_code for a in answers) == [201, 409]
    assert (await books(user))[0] == before


async def paid(shop: Api, user: Api):  # type: ignore[no-untyped-def]  # noqa: F811
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    assert (await deliver_hook(shop.http, event(shop, "payment.captured", order, payment))).status_code == 200
    return order, payment


async def test_the_money_goes_back_through_the_gateway_and_a_failed_send_is_retried_once(
    shop: Api,  # noqa: F811
) -> None:
    admin, user = await an_admin(shop), await shop.new_user()
    before, _ = await books(user)
    order, payment = await paid(shop, user)
    route = f"/api/v1/admin/orders/{order['id']}/refund"
    gateway = sandbox(shop)
    working = gateway.refund

    async def down(*args: object, **kwargs: object) -> object:
        raise GatewayFailed("the gateway timed out")

    gateway.refund = down  # type: ignore[method-assign]
    failed = await admin.post(route, json={"reason": "customer asked"})
    gateway.refund = working  # type: ignore[method-assign]
    retried = await admin.post(route, json={"reason": "retry"})
    again = await admin.post(route, json={"reason": "once more"})
    (made,) = gateway.refunds[payment.payment_id]
    later = await deliver_hook(shop.http, gateway.refund_processed(order["gateway_order_id"], payment, made))

    assert failed.status_code == 502 and failed.headers["content-type"].startswith(PROBLEM)
    assert "credits were taken back" in failed.json()["detail"] and "pending" in failed.json()["detail"]
    assert retried.status_code == 201, retried.text
    assert retried.json()["gateway_refund_id"] == made.refund_id and retried.json()["amount_refunded"] == order["amount"]
    assert retried.json()["credits_reversed"] == 0
    assert again.status_code == 409
    assert later.status_code == 200
    assert (await books(user))[0] == before


async def test_two_admins_at_once_make_one_gateway_refund(shop: Api) -> None:  # noqa: F811
    first, second, user = await an_admin(shop), await an_admin(shop), await shop.new_user()
    before, _ = await books(user)
    order, payment = await paid(shop, user)
    route = f"/api/v1/admin/orders/{order['id']}/refund"

    answers = await asyncio.gather(*(admin.post(route, json={"reason": "race"}) for admin in (first, second)))

    assert sorted(a.status_code for a in answers) == [201, 409]
    assert [r.amount for r in sandbox(shop).refunds[payment.payment_id]] == [order["amount"]]
    assert (await books(user))[0] == before
