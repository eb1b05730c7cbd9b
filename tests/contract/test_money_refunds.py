"""MoneyRefundRepository: one per order, found by order and by the gateway's refund id, claimed by one sender at a
time under a lease, marked sent or failed — the same rules on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest

from domain.errors import DuplicateRecord
from domain.money_refunds import MoneyRefund
from domain.orders import Order
from tests.contract.builders import UowFactory, at
from tests.contract.test_billing_repositories import placed


def a_refund(order: Order) -> MoneyRefund:
    return MoneyRefund(order.id, "pay_contract0001", order.amount, order.currency, at(1), at(1))


async def recorded(uow_factory: UowFactory) -> MoneyRefund:
    _, (order,) = await placed(uow_factory, 0)
    refund = a_refund(order)
    async with uow_factory() as uow:
        await uow.money_refunds.add(refund)
        await uow.commit()
    return refund


async def test_a_refund_is_found_by_its_order_with_every_field(uow_factory: UowFactory) -> None:
    refund = await recorded(uow_factory)

    async with uow_factory() as uow:
        assert await uow.money_refunds.get(refund.order_id) == refund
        assert await uow.money_refunds.by_gateway_refund("rfnd_unknown") is None


async def test_an_order_has_one_money_refund(uow_factory: UowFactory) -> None:
    refund = await recorded(uow_factory)

    with pytest.raises(DuplicateRecord):
        async with uow_factory() as uow:
            await uow.money_refunds.add(dataclasses.replace(refund, payment_id="pay_other"))
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.money_refunds.get(refund.order_id) == refund


async def test_one_sender_holds_the_lease_until_it_runs_out(uow_factory: UowFactory) -> None:
    refund = await recorded(uow_factory)

    async with uow_factory() as uow:
        assert await uow.money_refunds.claim(refund.order_id, at(2), at(10))
        assert not await uow.money_refunds.claim(refund.order_id, at(5), at(13))  # the first sender still holds it
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.money_refunds.claim(refund.order_id, at(11), at(19))  # its lease ran out: a retry may send
        await uow.commit()


async def test_a_failure_frees_the_lease_and_says_why(uow_factory: UowFactory) -> None:
    refund = await recorded(uow_factory)
    async with uow_factory() as uow:
        assert await uow.money_refunds.claim(refund.order_id, at(2), at(10))
        await uow.money_refunds.failed(refund.order_id, "the gateway did not answer", at(3))
        await uow.commit()

    async with uow_factory() as uow:
        failed = await uow.money_refunds.get(refund.order_id)
        assert failed is not None and not failed.sent
        assert (failed.last_error, failed.sending_until, failed.updated_at) == ("the gateway did not answer", None, at(3))
        assert await uow.money_refunds.claim(refund.order_id, at(4), at(12))  # retried at once, not after the lease


async def test_a_sent_refund_is_found_by_its_gateway_id_and_never_claimed_again(uow_factory: UowFactory) -> None:
    refund = await recorded(uow_factory)
    async with uow_factory() as uow:
        assert await uow.money_refunds.claim(refund.order_id, at(2), at(10))
        await uow.money_refunds.failed(refund.order_id, "timeout", at(3))
        assert await uow.money_refunds.claim(refund.order_id, at(4), at(12))
        await uow.money_refunds.sent(refund.order_id, "rfnd_contract0001", at(5))
        await uow.commit()

    async with uow_factory() as uow:
        sent = await uow.money_refunds.by_gateway_refund("rfnd_contract0001")
        assert sent == dataclasses.replace(refund, gateway_refund_id="rfnd_contract0001", updated_at=at(5))
        assert sent.sent and sent.last_error is None
        assert not await uow.money_refunds.claim(refund.order_id, at(100), at(108))
