"""An operator's refund of an order's credits goes through the gateway refunds' reversal, once, and is audited."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.audit import AuditAction
from domain.errors import OrderNotFound, OrderNotRefundable, ValidationFailed
from domain.orders import PaymentKind, PaymentSource
from tests.unit.billing.conftest import Shop

ADMIN = "00000000-0000-0000-0000-00000000a0a0"


async def paid_order(shop: Shop):  # type: ignore[no-untyped-def]
    user = await shop.app.user()
    order = await shop.order(user)
    granting = shop.paid(order)
    await shop.deliver(shop.event("payment.captured", order, granting))
    return user, order, granting


async def test_an_admin_refund_takes_back_the_orders_credits_and_is_audited(shop: Shop) -> None:
    user, order, _ = await paid_order(shop)

    done = await shop.app.refund_order(ADMIN, order.id, " chargeback threatened ")

    assert (done.user_id, done.credits_reversed, done.shortfall) == (user.id, 50, 0)
    assert shop.app.balance(user) == 10
    (refund,) = [p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED]
    assert (refund.source, refund.credits) == (PaymentSource.ADMIN, -50)
    [entry] = (await shop.app.list_audit(10, None)).items
    assert (entry.actor, entry.action, entry.subject) == (ADMIN, AuditAction.REFUND_ORDER, str(user.id))
    assert entry.reason.endswith(": chargeback threatened") and str(order.id) in entry.reason


async def test_a_second_admin_refund_is_refused_and_takes_nothing(shop: Shop) -> None:
    user, order, _ = await paid_order(shop)
    await shop.app.refund_order(ADMIN, order.id, "first")

    with pytest.raises(OrderNotRefundable):
        await shop.app.refund_order(ADMIN, order.id, "again")

    assert shop.app.balance(user) == 10
    assert len((await shop.app.list_audit(10, None)).items) == 1


async def test_the_gateways_later_refund_of_the_same_payment_takes_nothing_more(shop: Shop) -> None:
    user, order, granting = await paid_order(shop)
    await shop.app.refund_order(ADMIN, order.id, "refunding by hand")

    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, granting, order.amount))

    assert shop.app.balance(user) == 10
    refunds = [p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED]
    assert sorted(p.credits for p in refunds) == [-50, 0]


async def test_an_admin_refund_after_the_gateways_refund_takes_nothing_more(shop: Shop) -> None:
    user, order, granting = await paid_order(shop)
    await shop.deliver(shop.gateway.refund_event(order.gateway_order_id, granting, order.amount))

    done = await shop.app.refund_order(ADMIN, order.id, "making sure")

    assert done.credits_reversed == 0 and shop.app.balance(user) == 10


async def test_an_admin_refund_never_takes_the_balance_below_zero_and_records_the_shortfall(shop: Shop) -> None:
    user, order, _ = await paid_order(shop)
    await shop.app.adjust_credits(ADMIN, user.id, -45, "spent elsewhere")

    done = await shop.app.refund_order(ADMIN, order.id, "fraud")

    assert (done.credits_reversed, done.shortfall) == (15, 35)
    assert shop.app.balance(user) == 0


async def test_an_order_that_granted_nothing_cannot_be_refunded(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    with pytest.raises(OrderNotRefundable):
        await shop.app.refund_order(ADMIN, order.id, "nothing to take")

    assert shop.app.balance(user) == 10
    assert not [p for p in shop.state.payments if p.kind is PaymentKind.REFUNDED]
    assert (await shop.app.list_audit(10, None)).items == []


async def test_an_unknown_order_or_a_blank_reason_is_refused(shop: Shop) -> None:
    _, order, _ = await paid_order(shop)

    with pytest.raises(OrderNotFound):
        await shop.app.refund_order(ADMIN, uuid4(), "who")
    with pytest.raises(ValidationFailed):
        await shop.app.refund_order(ADMIN, order.id, "  ")
