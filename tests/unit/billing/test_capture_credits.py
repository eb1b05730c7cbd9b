"""CaptureCredits: exactly one grant per order, only for the exact amount and currency; the rest is recorded."""

from __future__ import annotations

import asyncio
import uuid

from application.use_cases.billing.capture_credits import Captured, CapturePayment
from domain.credits import Reason
from domain.orders import Order, OrderStatus, PaymentKind, PaymentSource
from tests.unit.billing.conftest import Shop


def capture_of(order: Order, amount: int | None = None, currency: str = "INR", payment_id: str = "pay_1") -> CapturePayment:
    return CapturePayment(order.id, payment_id, order.amount if amount is None else amount, currency, PaymentSource.WEBHOOK)


async def test_a_capture_pays_the_order_and_grants_its_credits(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    result = await shop.capture(capture_of(order))

    assert result.outcome is Captured.GRANTED
    assert shop.stored_order(order).status is OrderStatus.PAID
    assert shop.stored_order(order).paid_at == shop.app.clock.now()
    assert shop.app.balance(user) == 60
    (purchase,) = shop.purchases(user)
    assert (purchase.delta, purchase.order_id, purchase.balance_after) == (50, order.id, 60)
    assert [(p.kind, p.credits) for p in shop.state.payments] == [(PaymentKind.CAPTURED, 50)]
    assert shop.app.metrics.counts["payments_captured"] == 1
    assert shop.app.metrics.counts[f"credits:{Reason.PURCHASE}"] == 50


async def test_a_second_capture_grants_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    await shop.capture(capture_of(order))

    again = await shop.capture(capture_of(order, payment_id="pay_2"))

    assert again.outcome is Captured.ALREADY_PAID
    assert shop.app.balance(user) == 60 and len(shop.purchases(user)) == 1
    assert shop.app.metrics.counts["payments_captured"] == 1


async def test_twenty_concurrent_captures_grant_once(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    results = await asyncio.gather(*(shop.capture(capture_of(order, payment_id=f"pay_{i}")) for i in range(20)))

    assert [r.outcome for r in results].count(Captured.GRANTED) == 1
    assert shop.app.balance(user) == 60 and len(shop.purchases(user)) == 1


async def test_a_wrong_amount_or_currency_grants_nothing_and_is_recorded_once(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    short = await shop.capture(capture_of(order, amount=100, payment_id="pay_short"))
    await shop.capture(capture_of(order, amount=100, payment_id="pay_short"))
    dollars = await shop.capture(capture_of(order, currency="USD", payment_id="pay_usd"))

    assert short.outcome is dollars.outcome is Captured.MISMATCH
    assert shop.stored_order(order).status is OrderStatus.CREATED
    assert shop.app.balance(user) == 10 and shop.purchases(user) == []
    assert [(p.kind, p.gateway_payment_id, p.amount, p.currency) for p in shop.state.payments] == [
        (PaymentKind.MISMATCHED, "pay_short", 100, "INR"),
        (PaymentKind.MISMATCHED, "pay_usd", 9_900, "USD"),
    ]


async def test_a_failed_order_is_still_credited_when_the_retry_is_captured(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    async with shop.app.uow() as uow:
        await uow.orders.mark_failed(order.id, shop.app.clock.now())
        await uow.commit()

    result = await shop.capture(capture_of(order))

    assert result.outcome is Captured.GRANTED and shop.app.balance(user) == 60


async def test_a_capture_for_no_known_order_changes_nothing(shop: Shop) -> None:
    result = await shop.capture(CapturePayment(uuid.uuid4(), "pay_1", 9_900, "INR", PaymentSource.RECONCILE))

    assert result.outcome is Captured.UNKNOWN_ORDER
    assert shop.state.payments == [] and shop.state.ledger == []
