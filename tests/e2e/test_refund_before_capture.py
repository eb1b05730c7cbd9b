"""Webhooks come in any order: a refund recorded before its capture is applied when the capture lands, once."""

from __future__ import annotations

from tests.e2e.billing import books, deliver_hook, event, pay_at_gateway, place, sandbox, shop  # noqa: F401
from tests.e2e.conftest import Api


async def test_refund_then_capture_then_duplicates_end_with_the_books_of_a_refunded_order(shop: Api) -> None:  # noqa: F811
    user = await shop.new_user()
    before, _ = await books(user)
    order = await place(user)
    payment = pay_at_gateway(shop, order)
    refund = sandbox(shop).refund_event(order["gateway_order_id"], payment, order["amount"])
    capture = event(shop, "payment.captured", order, payment)

    for hook in (refund, capture, capture, refund, event(shop, "order.paid", order, payment)):
        assert (await deliver_hook(shop.http, hook)).status_code == 200

    balance, purchases = await books(user)
    assert balance == before
    assert len(purchases) == 1
    ledger = (await user.get("/api/v1/credits/ledger")).json()["items"]
    assert [e["reason"] for e in ledger].count("purchase_reversal") == 1
