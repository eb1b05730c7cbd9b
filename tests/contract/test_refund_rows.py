"""A refund row keeps the payment it returned money of, on every store: only the granting payment's refunds count."""

from __future__ import annotations

import dataclasses

from domain.orders import PaymentKind, granting_payment_id, reversed_so_far
from tests.contract.builders import UowFactory
from tests.contract.test_billing_repositories import a_payment, placed


async def test_refunds_are_stored_with_their_payment_and_only_the_granting_ones_count(uow_factory: UowFactory) -> None:
    _, (order,) = await placed(uow_factory, 0)
    capture = a_payment(order.id, PaymentKind.CAPTURED, "pay_granting")
    of_granting = dataclasses.replace(
        a_payment(order.id, PaymentKind.REFUNDED, "rfnd_1", created=2), credits=-25, refunded_payment_id="pay_granting"
    )
    of_duplicate = dataclasses.replace(
        a_payment(order.id, PaymentKind.REFUNDED, "rfnd_2", created=3), refunded_payment_id="pay_duplicate"
    )
    async with uow_factory() as uow:
        for payment in (capture, of_granting, of_duplicate):
            await uow.payments.add(payment)
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.payments.for_order(order.id)

    assert [p.refunded_payment_id for p in stored] == [None, "pay_granting", "pay_duplicate"]
    assert granting_payment_id(stored) == "pay_granting"
    assert reversed_so_far(stored, "pay_granting") == (9_900, 25)
