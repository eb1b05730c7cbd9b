"""An operator's refund returns the money through the gateway: after the credits' commit, once, retried safely."""

from __future__ import annotations

import asyncio

import pytest

from application.ports.payment_gateway import GatewayRefund
from domain.errors import OrderNotRefundable, RefundBeingSent, RefundNotSent
from domain.orders import PaymentKind
from domain.webhooks import WebhookOutcome
from tests.unit.billing.conftest import Shop
from tests.unit.billing.test_admin_refund import ADMIN, paid_order


def refunds_at_gateway(shop: Shop, payment_id: str) -> list[GatewayRefund]:
    return shop.gateway.refunds.get(payment_id, [])


async def test_an_admin_refund_returns_the_orders_money_through_the_gateway_once(shop: Shop) -> None:
    user, order, granting = await paid_order(shop)

    done = await shop.app.refund_order(ADMIN, order.id, "customer asked")

    (made,) = refunds_at_gateway(shop, granting.payment_id)
    assert (made.amount, made.currency) == (order.amount, order.currency)
    assert (done.credits_reversed, done.amount_refunded, done.gateway_refund_id) == (50, order.amount, made.refund_id)
    assert shop.state.money_refunds[order.id].gateway_refund_id == made.refund_id
    assert shop.app.balance(user) == 10
    with pytest.raises(OrderNotRefundable):
        await shop.app.refund_order(ADMIN, order.id, "again")
    assert len(refunds_at_gateway(shop, granting.payment_id)) == 1


async def test_a_gateway_failure_keeps_the_credits_back_and_the_refund_pending_and_a_retry_pays_once(shop: Shop) -> None:
    user, order, granting = await paid_order(shop)
    shop.gateway.failing = True

    with pytest.raises(RefundNotSent) as failed:
        await shop.app.refund_order(ADMIN, order.id, "customer asked")

    assert "pending" in failed.value.detail and "again" in failed.value.detail
    assert shop.app.balance(user) == 10  # the credits are back before any money leaves
    pending = shop.state.money_refunds[order.id]
    assert pending.gateway_refund_id is None and pending.sending_until is None and pending.last_error
    assert refunds_at_gateway(shop, granting.payment_id) == []

    shop.gateway.failing = False
    retried = await shop.app.refund_order(ADMIN, order.id, "retrying")

    (made,) = refunds_at_gateway(shop, granting.payment_id)
    assert (retried.credits_reversed, retried.gateway_refund_id, retried.amount_refunded) == (0, made.refund_id, 9_900)
    assert shop.app.balance(user) == 10
    assert len((await shop.app.list_audit(10, None)).items) == 1


async def test_a_lost_answer_then_a_retry_gets_the_same_refund_from_the_gateway(shop: Shop) -> None:
    _, order, granting = await paid_order(shop)
    shop.gateway.answers_lost = True

    with pytest.raises(RefundNotSent):
        await shop.app.refund_order(ADMIN, order.id, "customer asked")
    shop.gateway.answers_lost = False
    retried = await shop.app.refund_order(ADMIN, order.id, "retrying")

    (made,) = refunds_at_gateway(shop, granting.payment_id)  # the idempotency key made the second call a lookup
    assert retried.gateway_refund_id == made.refund_id and shop.gateway.refund_calls == 2


async def test_two_admins_at_once_make_one_gateway_refund(shop: Shop) -> None:
    user, order, granting = await paid_order(shop)
    shop.gateway.failing = True
    with pytest.raises(RefundNotSent):
        await shop.app.refund_order(ADMIN, order.id, "first try")
    shop.gateway.failing = False
    release = asyncio.Event()
    plain_refund = shop.gateway.refund

    async def slow_refund(*args, **kwargs):  # type: ignore[no-untyped-def]
        await release.wait()  # the first sender is still waiting for the gateway when the second one asks
        return await plain_refund(*args, **kwargs)

    shop.gateway.refund = slow_refund  # type: ignore[method-assign]
    first = asyncio.create_task(shop.app.refund_order(ADMIN, order.id, "retry one"))
    for _ in range(10_000):  # a bounded number of yields to the loop until the first holds the lease
        if shop.state.money_refunds[order.id].sending_until is not None:
            break
        await asyncio.sleep(0)
    assert shop.state.money_refunds[order.id].sending_until is not None
    with pytest.raises(RefundBeingSent):  # at once: a second sender would wait on the gateway (the deadline fails it)
        await asyncio.wait_for(shop.app.refund_order(ADMIN, order.id, "retry two"), timeout=30)
    release.set()
    await first

    assert len(refunds_at_gateway(shop, granting.payment_id)) == 1
    assert shop.app.balance(user) == 10


async def test_the_refund_processed_that_follows_is_matched_and_changes_nothing(shop: Shop) -> None:
    user, order, granting = await paid_order(shop)
    await shop.app.refund_order(ADMIN, order.id, "customer asked")
    rows_before = list(shop.state.payments)
    (made,) = refunds_at_gateway(shop, granting.payment_id)

    outcome = await shop.deliver(shop.gateway.refund_processed(order.gateway_order_id, granting, made))
    reconciled = await shop.app.container.reconcile_orders().refunds()  # type: ignore[attr-defined]

    assert outcome is WebhookOutcome.IGNORED
    assert reconciled.reversed == 0
    assert shop.state.payments == rows_before and shop.app.balance(user) == 10
    (admin_row,) = [p for p in rows_before if p.kind is PaymentKind.REFUNDED]
    assert admin_row.credits == -50


async def test_money_refunded_at_the_gateway_before_is_not_refunded_again(shop: Shop) -> None:
    _, order, granting = await paid_order(shop)
    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, granting, 3_000))

    done = await shop.app.refund_order(ADMIN, order.id, "the rest")

    amounts = [r.amount for r in refunds_at_gateway(shop, granting.payment_id)]
    assert amounts == [3_000, 6_900] and done.amount_refunded == 6_900
