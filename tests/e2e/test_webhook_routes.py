"""POST /api/v1/webhooks/razorpay: every bad input and race of the issue, over HTTP, on the fakes, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from adapters.razorpay import signatures
from application.ports.unit_of_work import UnitOfWork
from tests.e2e.billing import books, deliver, deliver_hook, event, order_of, pay_at_gateway, place, sandbox, shop
from tests.e2e.conftest import Api

__all__ = ["shop"]


async def test_a_signed_capture_event_pays_the_order(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)

    response = await deliver_hook(shop.http, event(shop, "payment.captured", order, pay_at_gateway(shop, order)))

    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert (await order_of(user, order))["status"] == "paid"
    assert (await books(user))[0] == 60


async def test_a_missing_wrong_or_truncated_signature_is_400_and_changes_nothing(shop: Api) -> None:
    user = await shop.new_user()
    for case in ("missing", "empty", "wrong", "truncated", "tampered-body", "other-secret", "non-ascii"):
        order = await place(user)
        hook = event(shop, "payment.captured", order, pay_at_gateway(shop, order))
        body, signature = hook.body, {
            "missing": None,
            "empty": "",
            "wrong": "f" * 64,
            "truncated": hook.signature[:63],
            "tampered-body": hook.signature,
            "other-secret": signatures.sign("not-the-secret", hook.body),
            "non-ascii": ("é" * 32).encode(),  # a header of UTF-8 bytes, read back as latin-1
        }[case]
        if case == "tampered-body":
            body = body.replace(b'"amount":9900', b'"amount":9901')

        response = await deliver(shop.http, body, signature, hook.event_id)

        assert response.status_code == 400, (case, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert (await order_of(user, order))["status"] == "created", case
        assert await books(user) == (10, []), case
    # The same event, correctly signed afterwards, is still new: the refused deliveries left no trace.
    assert (await deliver_hook(shop.http, hook)).status_code == 200
    assert (await books(user))[0] == 60


async def test_a_validly_signed_body_that_is_not_json_is_400(shop: Api) -> None:
    body = b"this is not json"

    response = await deliver(shop.http, body, sandbox(shop).signed(body).signature, "evt_text")

    assert response.status_code == 400
    assert response.json()["type"].endswith("bad-request")


async def test_a_replay_five_times_then_twenty_concurrent_deliveries_grant_once(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    hook = event(shop, "payment.captured", order, pay_at_gateway(shop, order))

    replays = [await deliver_hook(shop.http, hook) for _ in range(5)]
    concurrent = await asyncio.gather(*(deliver_hook(shop.http, hook) for _ in range(20)))

    assert {r.status_code for r in replays + concurrent} == {200}
    balance, purchases = await books(user)
    assert balance == 60 and len(purchases) == 1
    async with _uow(shop) as uow:
        stored = await uow.webhook_events.get("sandbox", hook.event_id)
    assert stored is not None and stored.deliveries == 25


async def test_order_paid_payment_captured_and_verify_at_once_grant_once(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    verify = {
        "razorpay_order_id": order["gateway_order_id"],
        "razorpay_payment_id": payment.payment_id,
        "razorpay_signature": sandbox(shop).sign_checkout(order["gateway_order_id"], payment.payment_id),
    }

    responses = await asyncio.gather(
        deliver_hook(shop.http, event(shop, "order.paid", order, payment)),
        deliver_hook(shop.http, event(shop, "payment.captured", order, payment)),
        user.post(f"/api/v1/orders/{order['id']}/verify", json=verify),
    )

    assert [r.status_code for r in responses] == [200, 200, 200]
    balance, purchases = await books(user)
    assert balance == 60 and len(purchases) == 1


async def test_a_payment_of_another_amount_or_currency_is_acknowledged_and_grants_nothing(shop: Api) -> None:
    user = await shop.new_user()
    for amount, currency in ((9_800, "INR"), (9_900, "USD")):
        order = await place(user)
        payment = pay_at_gateway(shop, order, amount, currency)

        response = await deliver_hook(shop.http, event(shop, "payment.captured", order, payment))

        assert response.status_code == 200
        assert (await order_of(user, order))["status"] == "created"
    assert await books(user) == (10, [])


async def test_an_event_for_an_unknown_order_or_an_unknown_event_is_acknowledged_and_changes_nothing(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    stranger = {**order, "gateway_order_id": "order_sbx_unknown"}
    unknown_kind = json.dumps({"entity": "event", "event": "invoice.paid", "payload": {}}).encode()

    unknown_order = await deliver_hook(shop.http, event(shop, "payment.captured", stranger, pay_at_gateway(shop, stranger)))
    unknown_event = await deliver(shop.http, unknown_kind, sandbox(shop).signed(unknown_kind).signature)

    assert unknown_order.status_code == unknown_event.status_code == 200
    assert (await order_of(user, order))["status"] == "created"
    assert await books(user) == (10, [])


async def test_an_event_for_an_order_of_another_gateway_is_acknowledged_and_changes_nothing(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    async with _uow(shop) as uow:
        stored = await uow.orders.get(uuid.UUID(order["id"]))
        assert stored is not None
        stored.id, stored.gateway, stored.gateway_order_id = uuid.uuid4(), "razorpay", "order_Rzp00000000001"
        await uow.orders.add(stored)
        await uow.commit()
    razorpay_order = {**order, "id": str(stored.id), "gateway_order_id": stored.gateway_order_id}

    response = await deliver_hook(
        shop.http, event(shop, "payment.captured", razorpay_order, pay_at_gateway(shop, razorpay_order))
    )

    assert response.status_code == 200
    assert (await order_of(user, razorpay_order))["status"] == "created"
    assert await books(user) == (10, [])


async def test_a_refund_reverses_the_purchase_in_proportion(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    await deliver_hook(shop.http, event(shop, "payment.captured", order, payment))

    response = await deliver_hook(shop.http, sandbox(shop).refund_event(order["gateway_order_id"], payment, 4_950))

    assert response.status_code == 200
    entries = (await user.get("/api/v1/credits/ledger")).json()["items"]
    assert (entries[0]["reason"], entries[0]["delta"], entries[0]["order_id"]) == ("purchase_reversal", -25, order["id"])
    assert (await books(user))[0] == 35


def _uow(shop: Api) -> UnitOfWork:
    """A unit of work on the store the app uses (fake, SQLite or PostgreSQL)."""
    return shop.harness.container.uow()  # type: ignore[no-any-return]
