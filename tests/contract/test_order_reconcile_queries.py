"""What reconciliation asks the store for: unpaid orders (failed ones inside a window) and recently paid orders,
those checked longest ago first; the same answers from the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from tests.contract.builders import UowFactory, at
from tests.contract.test_billing_repositories import placed


async def test_failed_orders_are_pending_only_when_created_inside_the_window(uow_factory: UowFactory) -> None:
    _, (stale_failed, created, recent_failed) = await placed(uow_factory, 5, 10, 20)
    async with uow_factory() as uow:
        await uow.orders.mark_failed(stale_failed.id, at(6))
        await uow.orders.mark_failed(recent_failed.id, at(21))
        await uow.commit()

    async with uow_factory() as uow:
        without_window = await uow.orders.pending("sandbox", at(50), 10)
        with_window = await uow.orders.pending("sandbox", at(50), 10, failed_since=at(8))

    assert [o.id for o in without_window] == [created.id]
    assert [o.id for o in with_window] == [created.id, recent_failed.id]


async def test_paid_orders_since_a_time_come_never_checked_first_then_checked_longest_ago(
    uow_factory: UowFactory,
) -> None:
    _, (long_ago, a, b, c, unpaid) = await placed(uow_factory, 0, 1, 2, 3, 4)
    async with uow_factory() as uow:
        await uow.orders.mark_paid(long_ago.id, at(1))
        for order, paid in ((a, 11), (b, 12), (c, 13)):
            await uow.orders.mark_paid(order.id, at(paid))
        await uow.orders.refunds_checked(a.id, at(30))
        await uow.orders.refunds_checked(c.id, at(20))
        await uow.commit()

    async with uow_factory() as uow:
        listed = await uow.orders.paid_since("sandbox", at(10), 10)
        first = await uow.orders.paid_since("sandbox", at(10), 1)
        elsewhere = await uow.orders.paid_since("razorpay", at(10), 10)

    assert [o.id for o in listed] == [b.id, c.id, a.id]
    assert [o.id for o in first] == [b.id] and elsewhere == []
    assert listed[2].refunds_checked_at == at(30)
