"""ReconcileOrders: a paid order is credited even when no webhook and no verify call ever arrive."""

from __future__ import annotations

from domain.orders import OrderStatus, PaymentKind, PaymentSource
from tests.unit.billing.conftest import ABANDON_AFTER, RECONCILE_AFTER, Shop


async def test_a_young_order_is_left_alone(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    shop.paid(order)
    shop.app.clock.advance(RECONCILE_AFTER.total_seconds() - 1)

    reconciled = await shop.reconcile()

    assert reconciled.checked == 0
    assert shop.stored_order(order).status is OrderStatus.CREATED


async def test_an_order_paid_at_the_gateway_is_captured_when_its_webhook_was_lost(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status="failed")
    shop.paid(order)
    shop.app.clock.advance(RECONCILE_AFTER.total_seconds() + 1)

    reconciled = await shop.reconcile()
    again = await shop.reconcile()

    assert (reconciled.checked, reconciled.captured, again.checked) == (1, 1, 0)
    assert shop.stored_order(order).status is OrderStatus.PAID and shop.app.balance(user) == 60
    assert [(p.kind, p.source) for p in shop.state.payments] == [(PaymentKind.CAPTURED, PaymentSource.RECONCILE)]


async def test_an_unpaid_order_waits_and_is_failed_once_abandoned(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    shop.app.clock.advance(RECONCILE_AFTER.total_seconds() + 1)

    waiting = await shop.reconcile()
    shop.app.clock.advance(ABANDON_AFTER.total_seconds())
    abandoned = await shop.reconcile()

    assert (waiting.checked, waiting.abandoned, abandoned.abandoned) == (1, 0, 1)
    assert shop.stored_order(order).status is OrderStatus.FAILED and shop.app.balance(user) == 10


async def test_a_late_payment_on_an_abandoned_order_still_grants(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    shop.app.clock.advance((RECONCILE_AFTER + ABANDON_AFTER).total_seconds())
    await shop.reconcile()

    await shop.deliver(shop.event("payment.captured", order))

    assert shop.stored_order(order).status is OrderStatus.PAID and shop.app.balance(user) == 60


async def test_a_gateway_that_fails_leaves_the_order_for_next_time(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    shop.paid(order)
    shop.app.clock.advance((RECONCILE_AFTER + ABANDON_AFTER).total_seconds())
    shop.gateway.failing = True

    failed = await shop.reconcile()
    shop.gateway.failing = False
    recovered = await shop.reconcile()

    assert (failed.unreachable, failed.abandoned, recovered.captured) == (1, 0, 1)
    assert shop.app.balance(user) == 60


async def test_a_payment_of_the_wrong_amount_is_recorded_once_and_grants_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    shop.paid(order, amount=100)
    shop.app.clock.advance(RECONCILE_AFTER.total_seconds() + 1)

    for _ in range(3):
        assert (await shop.reconcile()).captured == 0

    assert shop.app.balance(user) == 10
    assert [p.kind for p in shop.state.payments] == [PaymentKind.MISMATCHED]
