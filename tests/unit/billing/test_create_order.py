"""CreateOrder, ListOrders, GetOrder: the gateway's order first, ours stored `created`; a failing gateway stores nothing."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import GatewayFailed, OrderNotFound, PlanNotFound, ValidationFailed
from domain.orders import OrderStatus
from domain.plans import DEFAULT_PLANS
from tests.unit.billing.conftest import STARTER, Shop


async def test_an_order_copies_the_plans_credits_and_price_and_waits_for_payment(shop: Shop) -> None:
    user = await shop.app.user()

    placed = await shop.create_order(user.id, STARTER.id)

    order = placed.order
    assert (order.user_id, order.plan_id, order.credits, order.amount, order.currency) == (
        user.id, STARTER.id, 50, 9_900, "INR",
    )  # fmt: skip
    assert order.status is OrderStatus.CREATED and order.paid_at is None
    assert order.gateway == "sandbox" and order.gateway_order_id.startswith("order_sbx_")
    assert shop.stored_order(order) == order
    assert shop.app.balance(user) == 10  # nothing is granted before payment


async def test_the_sandbox_checkout_is_a_page_of_this_site(shop: Shop) -> None:
    user = await shop.app.user()

    checkout = (await shop.create_order(user.id, STARTER.id)).checkout

    assert checkout.to_dict() == {
        "gateway": "sandbox",
        "gateway_order_id": checkout.gateway_order_id,
        "amount": 9_900,
        "currency": "INR",
        "description": "Starter: 50 credits",
        "checkout_url": f"/sandbox/checkout/{checkout.gateway_order_id}",
    }


async def test_an_unknown_plan_is_not_found_and_the_gateway_is_never_asked(shop: Shop) -> None:
    user = await shop.app.user()

    with pytest.raises(PlanNotFound):
        await shop.create_order(user.id, uuid.uuid4())

    assert shop.gateway.created == [] and shop.state.orders == {}


async def test_a_disabled_plan_is_not_found(shop: Shop) -> None:
    user = await shop.app.user()
    await shop.disable_plan(STARTER.id)

    with pytest.raises(PlanNotFound):
        await shop.create_order(user.id, STARTER.id)

    assert shop.state.orders == {}


async def test_a_gateway_failure_stores_nothing(shop: Shop) -> None:
    user = await shop.app.user()
    shop.gateway.failing = True

    with pytest.raises(GatewayFailed):
        await shop.create_order(user.id, STARTER.id)

    assert shop.state.orders == {}
    assert shop.app.balance(user) == 10


async def test_orders_are_listed_newest_first_in_pages(shop: Shop) -> None:
    user, other = await shop.app.user(), await shop.app.user()
    placed = []
    for plan in (*DEFAULT_PLANS, STARTER):
        placed.append(await shop.order(user, plan))
        shop.app.clock.advance(1)
    await shop.order(other)

    first = await shop.list_orders(user.id, 3, None)
    rest = await shop.list_orders(user.id, 3, first.next_cursor)

    assert [o.id for o in first.items + rest.items] == [o.id for o in reversed(placed)]
    assert rest.next_cursor is None
    with pytest.raises(ValidationFailed):
        await shop.list_orders(user.id, 3, "garbage")


async def test_another_users_order_is_not_found(shop: Shop) -> None:
    user, other = await shop.app.user(), await shop.app.user()
    order = await shop.order(user)

    assert (await shop.get_order(user.id, order.id)).id == order.id
    with pytest.raises(OrderNotFound):
        await shop.get_order(other.id, order.id)
    with pytest.raises(OrderNotFound):
        await shop.get_order(user.id, uuid.uuid4())


async def test_the_checkout_page_finds_the_order_by_the_gateways_id(shop: Shop) -> None:
    order = await shop.order(await shop.app.user())

    assert (await shop.checkout_order(order.gateway_order_id)).id == order.id
    with pytest.raises(OrderNotFound):
        await shop.checkout_order("order_sbx_unknown")
