"""Plans, orders, payments and webhook events: the same rules on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from uuid import UUID

import pytest

from domain.errors import DuplicateRecord, ValidationFailed
from domain.orders import Order, OrderStatus, Payment, PaymentKind, PaymentSource
from domain.plans import DEFAULT_PLANS, Plan
from domain.webhooks import WebhookEvent, WebhookOutcome
from tests.contract.builders import UowFactory, a_user, at, given

STARTER = DEFAULT_PLANS[0]


def an_order(user_id: UUID, created: float = 0, gateway: str = "sandbox", **fields: object) -> Order:
    defaults: dict[str, object] = {
        "id": uuid.uuid4(),
        "user_id": user_id,
        "plan_id": STARTER.id,
        "credits": 50,
        "amount": 9_900,
        "currency": "INR",
        "gateway": gateway,
        "gateway_order_id": f"order_{uuid.uuid4().hex[:14]}",
        "created_at": at(created),
    }
    return Order(**{**defaults, **fields})  # type: ignore[arg-type]


def a_payment(order_id: UUID, kind: PaymentKind, gateway_payment_id: str | None = None, created: float = 1) -> Payment:
    return Payment(
        uuid.uuid4(), order_id, kind, gateway_payment_id or f"pay_{uuid.uuid4().hex[:14]}", 9_900, "INR",
        PaymentSource.WEBHOOK, at(created), credits=50 if kind is PaymentKind.CAPTURED else 0,
    )  # fmt: skip


def an_event(event_id: str | None = None, gateway: str = "sandbox") -> WebhookEvent:
    return WebhookEvent(
        uuid.uuid4(), gateway, event_id or f"evt_{uuid.uuid4().hex}", "payment.captured", '{"event":"x"}', at(1), at(1)
    )


async def placed(new_uow: UowFactory, *orders_of: float) -> tuple[UUID, list[Order]]:
    """A user and their orders, created at the given seconds."""
    user = a_user()
    await given(new_uow, user)
    orders = [an_order(user.id, created) for created in orders_of]
    async with new_uow() as uow:
        for order in orders:
            await uow.orders.add(order)
        await uow.commit()
    return user.id, orders


async def test_a_fresh_store_sells_the_default_plans(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        plans = await uow.plans.list()

    assert plans == list(DEFAULT_PLANS)


async def test_plans_are_added_listed_by_price_and_disabled(uow_factory: UowFactory) -> None:
    cheap = Plan(uuid.uuid4(), "Trial", 5, 100, "INR", at(1))
    async with uow_factory() as uow:
        await uow.plans.add(cheap)
        assert await uow.plans.disable(STARTER.id)
        assert not await uow.plans.disable(STARTER.id)
        assert not await uow.plans.disable(uuid.uuid4())
        await uow.commit()

    async with uow_factory() as uow:
        assert [p.name for p in await uow.plans.list()] == ["Trial", "Standard", "Pro"]
        assert [p.name for p in await uow.plans.list(include_inactive=True)] == ["Trial", "Starter", "Standard", "Pro"]
        assert await uow.plans.get(STARTER.id) == dataclasses.replace(STARTER, active=False)
        assert await uow.plans.get(uuid.uuid4()) is None


async def test_two_active_plans_never_share_a_name(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(DuplicateRecord):
            await uow.plans.add(Plan(uuid.uuid4(), "Starter", 60, 9_900, "INR", at(1)))

    async with uow_factory() as uow:
        await uow.plans.disable(STARTER.id)
        await uow.plans.add(Plan(uuid.uuid4(), "Starter", 60, 9_900, "INR", at(1)))
        await uow.commit()

    async with uow_factory() as uow:
        starters = {p.credits: p.active for p in await uow.plans.list(include_inactive=True) if p.name == "Starter"}
    assert starters == {50: False, 60: True}


async def test_an_order_is_found_by_id_buyer_and_gateway_id(uow_factory: UowFactory) -> None:
    user_id, (order,) = await placed(uow_factory, 0)
    other = a_user()
    await given(uow_factory, other)

    async with uow_factory() as uow:
        assert await uow.orders.get(order.id) == order
        assert await uow.orders.get(order.id, user_id) == order
        assert await uow.orders.get(order.id, other.id) is None
        assert await uow.orders.by_gateway_id("sandbox", order.gateway_order_id) == order
        assert await uow.orders.by_gateway_id("razorpay", order.gateway_order_id) is None


async def test_a_gateway_order_id_belongs_to_one_order(uow_factory: UowFactory) -> None:
    user_id, (order,) = await placed(uow_factory, 0)

    async with uow_factory() as uow:
        with pytest.raises(DuplicateRecord):
            await uow.orders.add(an_order(user_id, gateway_order_id=order.gateway_order_id))
    async with uow_factory() as uow:
        await uow.orders.add(an_order(user_id, gateway="razorpay", gateway_order_id=order.gateway_order_id))
        await uow.commit()


async def test_orders_page_newest_first(uow_factory: UowFactory) -> None:
    user_id, orders = await placed(uow_factory, 1, 2, 3, 4)
    await placed(uow_factory, 5)

    async with uow_factory() as uow:
        first = await uow.orders.list(user_id, 3, None)
        rest = await uow.orders.list(user_id, 3, first.next_cursor)
        with pytest.raises(ValidationFailed):
            await uow.orders.list(user_id, 3, "junk")

    assert [o.id for o in first.items + rest.items] == [o.id for o in reversed(orders)]
    assert rest.next_cursor is None


async def test_an_order_is_paid_once_and_a_failed_one_can_still_be_paid(uow_factory: UowFactory) -> None:
    _, (order, failing) = await placed(uow_factory, 0, 0)

    async with uow_factory() as uow:
        paid = await uow.orders.mark_paid(order.id, at(5))
        assert await uow.orders.mark_paid(order.id, at(6)) is None
        assert await uow.orders.mark_failed(order.id, at(6)) is None
        assert (await uow.orders.mark_failed(failing.id, at(7))).status is OrderStatus.FAILED  # type: ignore[union-attr]
        assert await uow.orders.mark_failed(failing.id, at(8)) is None
        assert (await uow.orders.mark_paid(failing.id, at(9))).status is OrderStatus.PAID  # type: ignore[union-attr]
        assert await uow.orders.mark_paid(uuid.uuid4(), at(9)) is None
        await uow.commit()

    assert paid == dataclasses.replace(order, status=OrderStatus.PAID, paid_at=at(5), updated_at=at(5))
    async with uow_factory() as uow:
        assert await uow.orders.get(order.id) == paid


async def test_twenty_concurrent_payments_of_one_order_succeed_once(uow_factory: UowFactory) -> None:
    _, (order,) = await placed(uow_factory, 0)

    async def pay() -> bool:
        async with uow_factory() as uow:
            paid = await uow.orders.mark_paid(order.id, at(1))
            await uow.commit()
        return paid is not None

    assert (await asyncio.gather(*(pay() for _ in range(20)))).count(True) == 1


async def test_pending_orders_are_the_gateways_created_ones_oldest_first(uow_factory: UowFactory) -> None:
    user_id, (old, older, paid, young) = await placed(uow_factory, 10, 5, 1, 100)
    other_gateway = an_order(user_id, 0, gateway="razorpay")
    async with uow_factory() as uow:
        await uow.orders.add(other_gateway)
        await uow.orders.mark_paid(paid.id, at(2))
        await uow.commit()

    async with uow_factory() as uow:
        pending = await uow.orders.pending("sandbox", at(50), 10)
        limited = await uow.orders.pending("sandbox", at(50), 1)

    assert [o.id for o in pending] == [older.id, old.id]
    assert [o.id for o in limited] == [older.id]
    assert young.id not in {o.id for o in pending}


async def test_an_order_is_captured_once_and_a_refund_recorded_once(uow_factory: UowFactory) -> None:
    _, (order,) = await placed(uow_factory, 0)
    capture = a_payment(order.id, PaymentKind.CAPTURED, "pay_1")
    refund = a_payment(order.id, PaymentKind.REFUNDED, "rfnd_1", created=2)
    async with uow_factory() as uow:
        await uow.payments.add(capture)
        await uow.payments.add(refund)
        await uow.payments.add(a_payment(order.id, PaymentKind.MISMATCHED, "pay_2", created=3))
        await uow.payments.add(a_payment(order.id, PaymentKind.MISMATCHED, "pay_2", created=4))
        await uow.commit()

    for twice in (a_payment(order.id, PaymentKind.CAPTURED, "pay_3"), a_payment(order.id, PaymentKind.REFUNDED, "rfnd_1")):
        async with uow_factory() as uow:
            with pytest.raises(DuplicateRecord):
                await uow.payments.add(twice)

    async with uow_factory() as uow:
        stored = await uow.payments.for_order(order.id)
        assert await uow.payments.recorded(PaymentKind.REFUNDED, "rfnd_1")
        assert not await uow.payments.recorded(PaymentKind.CAPTURED, "rfnd_1")
    assert stored[:2] == [capture, refund] and len(stored) == 4


async def test_a_webhook_event_is_stored_once_and_each_redelivery_counted(uow_factory: UowFactory) -> None:
    event = an_event("evt_1")
    async with uow_factory() as uow:
        await uow.webhook_events.add(event)
        await uow.webhook_events.settle(event.id, WebhookOutcome.CAPTURED, None)
        await uow.webhook_events.add(an_event("evt_1", gateway="razorpay"))
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(DuplicateRecord):
            await uow.webhook_events.add(an_event("evt_1"))
    async with uow_factory() as uow:
        assert await uow.webhook_events.redelivered("sandbox", "evt_1", at(9))
        assert await uow.webhook_events.redelivered("sandbox", "evt_1", at(10))
        assert not await uow.webhook_events.redelivered("sandbox", "evt_unknown", at(10))
        await uow.commit()

    async with uow_factory() as uow:
        stored = await uow.webhook_events.get("sandbox", "evt_1")
        assert await uow.webhook_events.get("sandbox", "evt_2") is None
    assert stored == dataclasses.replace(event, outcome=WebhookOutcome.CAPTURED, deliveries=3, last_delivery_at=at(10))


async def test_only_a_paid_order_is_held_for_a_refund(uow_factory: UowFactory) -> None:
    _, (paid, created) = await placed(uow_factory, 0, 0)
    async with uow_factory() as uow:
        await uow.orders.mark_paid(paid.id, at(1))
        held = await uow.orders.lock_paid(paid.id, at(2))
        assert await uow.orders.lock_paid(created.id, at(2)) is None
        assert await uow.orders.lock_paid(uuid.uuid4(), at(2)) is None
        await uow.commit()

    assert held is not None and (held.status, held.paid_at, held.updated_at) == (OrderStatus.PAID, at(1), at(2))
