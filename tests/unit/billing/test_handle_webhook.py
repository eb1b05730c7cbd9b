"""HandleWebhook: signatures first; every delivery stored once per event id; capture, failure and refund acted on."""

from __future__ import annotations

import asyncio
import json

import pytest

from adapters.razorpay import signatures
from application.use_cases.billing.handle_webhook import WebhookDelivery
from domain.credits import Reason
from domain.errors import BadRequest, InvalidSignature
from domain.orders import OrderStatus, PaymentKind
from domain.webhooks import WebhookOutcome
from tests.unit.billing.conftest import WEBHOOK_SECRET, Shop


def signed(body: bytes) -> str:
    return signatures.sign(WEBHOOK_SECRET, body)


async def test_payment_captured_pays_the_order_and_is_stored(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    hook = shop.event("payment.captured", order)

    outcome = await shop.deliver(hook)

    assert outcome is WebhookOutcome.CAPTURED
    assert shop.stored_order(order).status is OrderStatus.PAID and shop.app.balance(user) == 60
    stored = shop.state.webhook_events[("sandbox", hook.event_id)]
    assert (stored.event_type, stored.outcome, stored.order_id, stored.deliveries) == (
        "payment.captured", WebhookOutcome.CAPTURED, order.id, 1,
    )  # fmt: skip
    assert stored.payload == hook.body.decode()
    assert shop.app.metrics.counts["webhook:captured"] == 1


async def test_order_paid_pays_the_order_too(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    assert await shop.deliver(shop.event("order.paid", order)) is WebhookOutcome.CAPTURED
    assert shop.app.balance(user) == 60


@pytest.mark.parametrize(
    "signature", [None, "", "0" * 64, "not-hex", "é"], ids=["missing", "empty", "wrong", "junk", "non-ascii"]
)
async def test_a_missing_or_wrong_signature_is_refused_and_changes_nothing(shop: Shop, signature: str | None) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    hook = shop.event("payment.captured", order)

    with pytest.raises(InvalidSignature):
        await shop.handle_webhook(WebhookDelivery(hook.body, signature, hook.event_id))

    assert shop.state.webhook_events == {} and shop.state.payments == []
    assert shop.stored_order(order).status is OrderStatus.CREATED and shop.app.balance(user) == 10
    assert shop.app.metrics.counts["webhook:invalid_signature"] == 1


async def test_a_truncated_signature_is_refused(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    hook = shop.event("payment.captured", order)

    with pytest.raises(InvalidSignature):
        await shop.deliver(hook, signature=hook.signature[:32])

    assert shop.app.balance(user) == 10


async def test_a_valid_signature_over_a_tampered_body_is_refused(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    hook = shop.event("payment.captured", order, shop.paid(order, amount=100))
    tampered = hook.body.replace(b'"amount":100', b'"amount":9900')
    assert tampered != hook.body

    with pytest.raises(InvalidSignature):
        await shop.handle_webhook(WebhookDelivery(tampered, hook.signature, hook.event_id))

    assert shop.state.webhook_events == {} and shop.app.balance(user) == 10


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"no": "event"}', b'{"event": 7}', b"\xff\xfe"])
async def test_a_signed_body_that_is_not_an_event_is_a_bad_request(shop: Shop, body: bytes) -> None:
    with pytest.raises(BadRequest):
        await shop.handle_webhook(WebhookDelivery(body, signed(body), "evt_1"))

    assert shop.state.webhook_events == {}
    assert shop.app.metrics.counts["webhook:malformed"] == 1


async def test_a_replayed_event_grants_once_and_counts_each_delivery(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    hook = shop.event("payment.captured", order)

    outcomes = [await shop.deliver(hook) for _ in range(5)]
    outcomes += await asyncio.gather(*(shop.deliver(hook) for _ in range(20)))

    assert outcomes.count(WebhookOutcome.CAPTURED) == 1
    assert outcomes.count(WebhookOutcome.DUPLICATE) == 24
    assert shop.app.balance(user) == 60 and len(shop.purchases(user)) == 1
    assert shop.state.webhook_events[("sandbox", hook.event_id)].deliveries == 25
    assert shop.app.metrics.counts["webhook:duplicate"] == 24


async def test_without_an_event_id_a_resent_body_is_still_a_repeat(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    hook = shop.event("payment.captured", order)

    first = await shop.deliver(hook, event_id=None)
    second = await shop.deliver(hook, event_id=None)

    assert (first, second) == (WebhookOutcome.CAPTURED, WebhookOutcome.DUPLICATE)
    (stored,) = shop.state.webhook_events.values()
    assert stored.event_id.startswith("sha256:") and stored.deliveries == 2


async def test_capture_events_with_new_ids_and_the_verify_call_grant_once(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)

    outcomes = await asyncio.gather(
        shop.deliver(shop.event("order.paid", order, payment)),
        shop.deliver(shop.event("payment.captured", order, payment)),
        shop.verify(user, order, payment),
    )

    assert sorted(str(o) for o in outcomes[:2]) in (["already_paid", "captured"], ["already_paid", "already_paid"])
    assert shop.app.balance(user) == 60 and len(shop.purchases(user)) == 1


@pytest.mark.parametrize(("amount", "currency"), [(100, "INR"), (9_900, "USD")], ids=["amount", "currency"])
async def test_a_payment_of_another_amount_or_currency_is_acknowledged_and_grants_nothing(
    shop: Shop, amount: int, currency: str
) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    outcome = await shop.deliver(shop.event("payment.captured", order, shop.paid(order, amount, currency)))

    assert outcome is WebhookOutcome.MISMATCH
    assert shop.stored_order(order).status is OrderStatus.CREATED and shop.app.balance(user) == 10
    assert [p.kind for p in shop.state.payments] == [PaymentKind.MISMATCHED]


async def test_an_event_for_an_unknown_order_is_acknowledged_and_recorded(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    order.gateway_order_id = "order_sbx_nobody"

    outcome = await shop.deliver(shop.event("payment.captured", order))

    assert outcome is WebhookOutcome.UNKNOWN_ORDER
    (stored,) = shop.state.webhook_events.values()
    assert (stored.outcome, stored.order_id) == (WebhookOutcome.UNKNOWN_ORDER, None)
    assert shop.app.balance(user) == 10 and shop.state.payments == []


async def test_an_event_naming_an_order_of_another_gateway_changes_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    shop.state.orders[order.id].gateway = "razorpay"  # placed while Razorpay was configured

    outcome = await shop.deliver(shop.event("payment.captured", order))

    assert outcome is WebhookOutcome.UNKNOWN_ORDER
    assert shop.stored_order(order).status is OrderStatus.CREATED and shop.app.balance(user) == 10


async def test_an_unknown_event_is_acknowledged_and_recorded(shop: Shop) -> None:
    body = json.dumps({"entity": "event", "event": "subscription.charged", "payload": {}}).encode()

    outcome = await shop.handle_webhook(WebhookDelivery(body, signed(body), "evt_sub"))

    assert outcome is WebhookOutcome.IGNORED
    assert shop.state.webhook_events[("sandbox", "evt_sub")].event_type == "subscription.charged"


async def test_a_failed_payment_fails_the_order_and_a_later_capture_still_grants(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    failed = shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status="failed")

    assert await shop.deliver(shop.event("payment.failed", order, failed, reason="card declined")) is WebhookOutcome.FAILED
    assert shop.stored_order(order).status is OrderStatus.FAILED

    assert await shop.deliver(shop.event("payment.captured", order)) is WebhookOutcome.CAPTURED
    assert shop.stored_order(order).status is OrderStatus.PAID and shop.app.balance(user) == 60
    assert [(p.kind, p.detail) for p in shop.state.payments][0] == (PaymentKind.FAILED, "card declined")


async def test_a_failure_arriving_after_the_capture_leaves_the_order_paid(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    await shop.deliver(shop.event("payment.captured", order))

    outcome = await shop.deliver(shop.event("payment.failed", order, shop.paid(order)))

    assert outcome is WebhookOutcome.IGNORED
    assert shop.stored_order(order).status is OrderStatus.PAID and shop.app.balance(user) == 60


async def test_a_full_refund_reverses_every_credit_of_the_purchase(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, payment))

    outcome = await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, payment, 9_900))

    assert outcome is WebhookOutcome.REFUNDED
    assert shop.app.balance(user) == 10
    reversal = shop.app.ledger(user)[-1]
    assert (reversal.reason, reversal.delta, reversal.order_id) == (Reason.PURCHASE_REVERSAL, -50, order.id)
    assert shop.app.metrics.counts[f"credits:{Reason.PURCHASE_REVERSAL}"] == 50


async def test_partial_refunds_reverse_in_proportion_and_never_more_than_was_granted(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, payment))

    for _ in range(3):
        await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, payment, 3_300))
    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, payment, 3_300))

    reversals = [e.delta for e in shop.app.ledger(user) if e.reason == Reason.PURCHASE_REVERSAL]
    assert reversals == [-17, -17, -16]
    assert shop.app.balance(user) == 10


async def test_a_refund_never_takes_the_balance_below_zero_and_records_the_shortfall(shop: Shop) -> None:
    user = await shop.app.user(credits=0)
    order = await shop.order(user)
    payment = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, payment))
    for _ in range(45):
        await shop.app.submit(user)  # spends 45 of the 50 bought

    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, payment, 9_900))

    assert shop.app.balance(user) == 0
    refund = [p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED][0]
    assert (refund.credits, refund.shortfall) == (-5, 45)
    assert "45 credits could not be reversed" in (refund.detail or "")


async def test_one_refund_delivered_under_two_event_ids_reverses_once(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, payment))
    refund = shop.gateway.refund_event(order.gateway_order_id, payment, 9_900)

    outcomes = await asyncio.gather(shop.deliver(refund, event_id="evt_a"), shop.deliver(refund, event_id="evt_b"))

    assert sorted(outcomes) == [WebhookOutcome.IGNORED, WebhookOutcome.REFUNDED]
    assert shop.app.balance(user) == 10


async def test_a_refund_of_an_order_never_paid_takes_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    outcome = await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, shop.paid(order), 9_900))

    assert outcome is WebhookOutcome.IGNORED
    assert shop.app.balance(user) == 10
    assert [(p.kind, p.credits) for p in shop.state.payments] == [(PaymentKind.REFUNDED, 0)]


@pytest.mark.parametrize(("refunded", "left"), [(9_900, 10), (3_300, 10 + 50 - 17)])
async def test_a_refund_that_arrives_before_its_capture_is_applied_when_the_capture_lands_once(
    shop: Shop, refunded: int, left: int
) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)

    early = await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, payment, refunded), event_id="r")
    captured = await shop.deliver(shop.event("payment.captured", order, payment), event_id="c")
    await shop.deliver(shop.event("order.paid", order, payment), event_id="p")
    await shop.verify(user, order, payment)

    assert (early, captured) == (WebhookOutcome.IGNORED, WebhookOutcome.CAPTURED)
    assert shop.app.balance(user) == left
    reasons = [e.reason for e in shop.app.ledger(user)]
    assert reasons.count(Reason.PURCHASE) == 1 and reasons.count(Reason.PURCHASE_REVERSAL) == 1
    shop.app.assert_books_balance(user)


async def test_a_later_refund_after_an_early_one_reverses_only_the_rest(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)
    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, payment, 3_300), event_id="r1")
    await shop.deliver(shop.event("payment.captured", order, payment), event_id="c")

    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, payment, 6_600), event_id="r2")

    assert shop.app.balance(user) == 10
    shop.app.assert_books_balance(user)


async def test_an_early_refund_of_another_payment_takes_nothing_from_the_capture_that_grants(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    refunded, granting = shop.paid(order), shop.paid(order)
    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, refunded, 9_900), event_id="r")

    await shop.deliver(shop.event("payment.captured", order, granting), event_id="c")

    assert shop.app.balance(user) == 60
