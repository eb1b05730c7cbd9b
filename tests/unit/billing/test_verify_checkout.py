"""VerifyCheckout: Checkout's signed result pays the order once; a wrong one, or another order's, changes nothing."""

from __future__ import annotations

import pytest

from application.use_cases.billing.verify_checkout import VerifyCheckoutCommand
from domain.errors import InvalidSignature, OrderNotFound
from domain.orders import OrderStatus, PaymentSource
from tests.unit.billing.conftest import Shop


async def test_a_valid_checkout_signature_pays_and_credits_the_order(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)

    paid = await shop.verify(user, order, shop.paid(order))

    assert paid.status is OrderStatus.PAID
    assert shop.app.balance(user) == 60
    assert [p.source for p in shop.state.payments] == [PaymentSource.VERIFY]


async def test_verifying_twice_grants_once(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)

    await shop.verify(user, order, payment)
    again = await shop.verify(user, order, payment)

    assert again.status is OrderStatus.PAID
    assert shop.app.balance(user) == 60 and len(shop.purchases(user)) == 1


@pytest.mark.parametrize("signature", ["", "0" * 64, "deadbeef", "é" * 64], ids=["empty", "wrong", "short", "non-ascii"])
async def test_a_wrong_signature_changes_nothing(shop: Shop, signature: str) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)

    with pytest.raises(InvalidSignature):
        await shop.verify(user, order, payment, signature=signature)

    assert shop.stored_order(order).status is OrderStatus.CREATED
    assert shop.app.balance(user) == 10 and shop.state.payments == []


async def test_a_truncated_signature_changes_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    order = await shop.order(user)
    payment = shop.paid(order)
    good = shop.gateway.sign_checkout(order.gateway_order_id, payment.payment_id)

    with pytest.raises(InvalidSignature):
        await shop.verify(user, order, payment, signature=good[:-1])

    assert shop.app.balance(user) == 10


async def test_another_orders_signed_result_does_not_pay_this_one(shop: Shop) -> None:
    user = await shop.app.user()
    order, other = await shop.order(user), await shop.order(user)
    payment = shop.paid(other)
    signature = shop.gateway.sign_checkout(other.gateway_order_id, payment.payment_id)

    with pytest.raises(InvalidSignature):
        await shop.verify_checkout(
            VerifyCheckoutCommand(
                user.id, order.id, other.gateway_order_id, payment.payment_id, signature
            )
        )

    assert shop.app.balance(user) == 10


async def test_another_users_order_is_not_found(shop: Shop) -> None:
    buyer, stranger = await shop.app.user(), await shop.app.user()
    order = await shop.order(buyer)

    with pytest.raises(OrderNotFound):
        await shop.verify(stranger, order, shop.paid(order))

    assert shop.stored_order(order).status is OrderStatus.CREATED
