"""A refund takes credits back only when its payment is the one whose capture granted them."""

from __future__ import annotations

from domain.orders import OrderStatus, PaymentKind
from domain.webhooks import WebhookOutcome
from tests.unit.billing.conftest import Shop


async def test_the_auto_refund_of_a_duplicate_payment_takes_back_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    granting = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, granting))
    duplicate = shop.paid(order)  # paid twice: Razorpay auto-refunds the second payment, never captured

    outcome = await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, duplicate, order.amount))

    assert outcome is WebhookOutcome.IGNORED
    assert shop.app.balance(user) == 60 and shop.stored_order(order).status is OrderStatus.PAID
    (refund,) = [p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED]
    assert (refund.credits, refund.refunded_payment_id) == (0, duplicate.payment_id)
    assert "granted no credits" in (refund.detail or "")


async def test_a_refund_of_the_granting_payment_still_reverses_after_another_payments_refund(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    granting = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, granting))
    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, shop.paid(order), order.amount))

    half = await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, granting, order.amount // 2))
    rest = await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, granting, order.amount // 2))

    # The duplicate's refund counts toward nothing: half the amount is half the credits, then all of them.
    assert (half, rest) == (WebhookOutcome.REFUNDED, WebhookOutcome.REFUNDED)
    assert shop.app.balance(user) == 10


async def test_a_refund_of_another_payment_delivered_twice_is_recorded_once(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    await shop.deliver(shop.event("payment.captured", order, shop.paid(order)))
    hook = shop.gateway.refund_event(order.gateway_order_id, shop.paid(order), order.amount)

    await shop.deliver(hook)
    again = await shop.deliver(hook, event_id="another-event-id")

    assert again is WebhookOutcome.IGNORED
    assert len([p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED]) == 1
    assert shop.app.balance(user) == 60


async def test_another_payments_refund_that_arrives_before_the_capture_never_takes_credits(shop: Shop) -> None:
    """Events come in any order: the auto-refund of a duplicate can precede the granting payment's capture."""
    user = await shop.app.user()
    order = await shop.order(user)
    granting, duplicate = shop.paid(order), shop.paid(order)

    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, duplicate, order.amount))
    await shop.deliver(shop.event("payment.captured", order, granting))

    assert shop.stored_order(order).status is OrderStatus.PAID and shop.app.balance(user) == 60
    (refund,) = [p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED]
    assert (refund.credits, refund.refunded_payment_id) == (0, duplicate.payment_id)
