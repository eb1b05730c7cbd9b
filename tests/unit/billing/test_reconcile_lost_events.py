"""ReconcileOrders also finds what a lost webhook would have told: a capture on a failed order, a processed refund."""

from __future__ import annotations

from application.ports.payment_gateway import GatewayPayment, GatewayRefund
from application.use_cases.billing.reconcile_refunds import ReconcileRefunds
from domain.errors import GatewayFailed
from domain.orders import Order, OrderStatus, PaymentKind, PaymentSource
from domain.users import User
from domain.webhooks import WebhookOutcome
from tests.unit.billing.conftest import ABANDON_AFTER, RECONCILE_AFTER, REFUND_WINDOW, Shop


async def paid_order(shop: Shop, user: User) -> tuple[Order, GatewayPayment]:
    order = await shop.order(user)
    payment = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, payment))
    return order, payment


async def test_a_failed_order_captured_on_a_retry_whose_webhook_was_lost_is_paid(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    failed = shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status="failed")
    await shop.deliver(shop.event("payment.failed", order, failed))
    shop.paid(order)  # the buyer retried on the same order; payment.captured never arrives
    shop.app.clock.advance(RECONCILE_AFTER.total_seconds() + 1)

    reconciled = await shop.reconcile()

    assert (reconciled.checked, reconciled.captured) == (1, 1)
    assert shop.stored_order(order).status is OrderStatus.PAID and shop.app.balance(user) == 60


async def test_a_failed_order_past_the_abandon_window_is_no_longer_asked_about(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    failed = shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status="failed")
    await shop.deliver(shop.event("payment.failed", order, failed))
    shop.app.clock.advance(ABANDON_AFTER.total_seconds() + 1)

    reconciled = await shop.reconcile()

    assert reconciled.checked == 0 and shop.stored_order(order).status is OrderStatus.FAILED


async def test_a_refund_whose_webhook_was_lost_takes_its_credits_back_once(shop: Shop) -> None:
    user = await shop.app.user()
    order, payment = await paid_order(shop, user)
    lost = shop.gateway.refund_event(order.gateway_order_id, payment, order.amount)  # never delivered

    first = await shop.reconcile()
    second = await shop.reconcile()
    late = await shop.deliver(lost)  # Razorpay's retry arrives after all

    assert (first.refunds.checked, first.refunds.reversed, second.refunds.reversed) == (1, 1, 0)
    assert late is WebhookOutcome.IGNORED and shop.app.balance(user) == 10
    refunds = [p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED]
    assert [(p.source, p.credits) for p in refunds] == [(PaymentSource.RECONCILE, -50)]


async def test_refunds_of_orders_paid_before_the_window_are_not_asked_about(shop: Shop) -> None:
    user = await shop.app.user()
    order, payment = await paid_order(shop, user)
    shop.gateway.refund_event(order.gateway_order_id, payment, order.amount)
    shop.app.clock.advance(REFUND_WINDOW.total_seconds() + 1)

    reconciled = await shop.reconcile()

    assert reconciled.refunds.checked == 0 and shop.app.balance(user) == 60


async def test_each_run_asks_about_the_orders_checked_longest_ago(shop: Shop) -> None:
    user = await shop.app.user()
    first, _ = await paid_order(shop, user)
    second, second_payment = await paid_order(shop, user)
    shop.gateway.refund_event(second.gateway_order_id, second_payment, second.amount)
    one_at_a_time = ReconcileRefunds(
        shop.app.uow, shop.gateway, shop.reconcile.refunds.reverse, shop.app.clock, REFUND_WINDOW, batch=1
    )

    runs = [await one_at_a_time() for _ in range(2)]

    assert [(r.checked, r.reversed) for r in runs] == [(1, 0), (1, 1)]
    assert shop.app.balance(user) == 10 + 50 + 50 - 50
    assert shop.stored_order(first).refunds_checked_at is not None


async def test_an_authorized_payment_left_without_verify_is_captured_and_granted(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    authorized = shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status="authorized")
    shop.gateway.pay(order.gateway_order_id, order.amount + 1, order.currency, status="authorized")  # not the price
    shop.app.clock.advance(RECONCILE_AFTER.total_seconds() + 1)

    reconciled = await shop.reconcile()

    assert reconciled.captured == 1 and shop.app.balance(user) == 60
    assert (await shop.gateway.fetch_payment(authorized.payment_id)).status == "captured"


async def test_a_gateway_that_is_down_is_asked_about_a_few_orders_only_and_none_is_marked_checked(shop: Shop) -> None:
    user = await shop.app.user()
    orders = [(await paid_order(shop, user))[0] for _ in range(5)]
    asked: list[str] = []

    async def down(payment_id: str) -> list[GatewayRefund]:
        asked.append(payment_id)
        raise GatewayFailed("the gateway timed out")

    shop.gateway.fetch_payment_refunds = down  # type: ignore[method-assign]
    reconciled = await shop.reconcile()

    assert (reconciled.refunds.checked, reconciled.refunds.unreachable, len(asked)) == (0, 3, 3)
    assert all(shop.stored_order(order).refunds_checked_at is None for order in orders)
