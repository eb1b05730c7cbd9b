"""VerifyCheckout asks the gateway about the payment: captured grants, authorized is captured first, others refuse."""

from __future__ import annotations

import dataclasses

import pytest

from application.ports.payment_gateway import GatewayPayment
from domain.errors import GatewayFailed, PaymentNotCaptured
from domain.orders import OrderStatus, PaymentKind
from tests.unit.billing.conftest import Shop


async def test_an_authorized_payment_is_captured_for_the_orders_amount_then_granted(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    authorized = shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status="authorized")

    paid = await shop.verify(user, order, authorized)

    assert paid.status is OrderStatus.PAID and shop.app.balance(user) == 60
    assert (await shop.gateway.fetch_payment(authorized.payment_id)).status == "captured"


@pytest.mark.parametrize("status", ["failed", "refunded", "created"])
async def test_a_payment_that_is_not_captured_grants_nothing(shop: Shop, status: str) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status=status)

    with pytest.raises(PaymentNotCaptured):
        await shop.verify(user, order, payment)

    assert shop.stored_order(order).status is OrderStatus.CREATED
    assert shop.app.balance(user) == 10 and shop.state.payments == []


async def test_a_payment_the_gateway_does_not_know_grants_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    never_made = GatewayPayment("pay_never_made", order.amount, order.currency, "captured", order.gateway_order_id)

    with pytest.raises(GatewayFailed):
        await shop.verify(user, order, never_made)

    assert shop.app.balance(user) == 10


async def test_a_capture_refused_because_someone_captured_it_first_still_grants_once(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    authorized = shop.gateway.pay(order.gateway_order_id, order.amount, order.currency, status="authorized")
    capture = shop.gateway.capture_payment

    async def captured_meanwhile(payment_id: str, amount: int, currency: str) -> GatewayPayment:
        await capture(payment_id, amount, currency)  # the account's auto-capture, or a concurrent verify
        raise GatewayFailed("This payment has already been captured")

    shop.gateway.capture_payment = captured_meanwhile  # type: ignore[method-assign]
    paid = await shop.verify(user, order, authorized)

    assert paid.status is OrderStatus.PAID and shop.app.balance(user) == 60


async def test_a_captured_payment_of_another_amount_is_recorded_and_refused(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    short = shop.gateway.pay(order.gateway_order_id, order.amount - 1, order.currency)

    with pytest.raises(PaymentNotCaptured):
        await shop.verify(user, order, short)

    assert shop.app.balance(user) == 10
    assert [p.kind for p in shop.state.payments] == [PaymentKind.MISMATCHED]


async def test_an_authorized_payment_that_cannot_be_captured_grants_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    odd = shop.gateway.pay(order.gateway_order_id, order.amount + 100, order.currency, status="authorized")

    with pytest.raises(PaymentNotCaptured):
        await shop.verify(user, order, dataclasses.replace(odd))

    assert shop.app.balance(user) == 10
    assert (await shop.gateway.fetch_payment(odd.payment_id)).status == "authorized"
