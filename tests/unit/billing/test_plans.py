"""Plans: seeded defaults, cheapest first; operators add and disable them; prices are whole minor units."""

from __future__ import annotations

import uuid

import pytest

from application.use_cases.billing.plans import AddPlanCommand
from domain.errors import DuplicateRecord, PlanNotFound, ValidationFailed
from domain.plans import DEFAULT_PLANS, format_price
from tests.unit.billing.conftest import STARTER, Shop


async def test_the_default_plans_are_for_sale_cheapest_first(shop: Shop) -> None:
    plans = await shop.list_plans()

    assert [(p.name, p.credits, p.price, p.currency) for p in plans] == [
        ("Starter", 50, 9_900, "INR"),
        ("Standard", 200, 29_900, "INR"),
        ("Pro", 1000, 99_900, "INR"),
    ]
    assert [p.id for p in plans] == [p.id for p in DEFAULT_PLANS]


async def test_an_added_plan_is_listed_at_its_price(shop: Shop) -> None:
    plan = await shop.add_plan(AddPlanCommand(" Mega ", 5000, 399_900, "inr"))

    assert (plan.name, plan.currency, plan.active) == ("Mega", "INR", True)
    assert (await shop.list_plans())[-1] == plan


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (AddPlanCommand("", 10, 9_900), "name"),
        (AddPlanCommand("x" * 101, 10, 9_900), "name"),
        (AddPlanCommand("Tiny", 0, 9_900), "credits"),
        (AddPlanCommand("Cheap", 10, 99), "price"),
        (AddPlanCommand("Odd", 10, 9_900, "RUPEES"), "currency"),
    ],
)
async def test_a_bad_plan_is_refused_naming_the_field(shop: Shop, command: AddPlanCommand, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await shop.add_plan(command)

    assert [error.field for error in raised.value.errors] == [field]
    assert len(await shop.list_plans()) == 3


async def test_two_active_plans_cannot_share_a_name_but_a_disabled_one_can(shop: Shop) -> None:
    with pytest.raises(DuplicateRecord):
        await shop.add_plan(AddPlanCommand("Starter", 60, 9_900))

    await shop.disable_plan(STARTER.id)
    again = await shop.add_plan(AddPlanCommand("Starter", 60, 9_900))

    assert [p.id for p in await shop.list_plans() if p.name == "Starter"] == [again.id]


async def test_a_disabled_plan_is_no_longer_listed_but_operators_still_see_it(shop: Shop) -> None:
    await shop.disable_plan(STARTER.id)

    assert STARTER.id not in {p.id for p in await shop.list_plans()}
    assert {p.id: p.active for p in await shop.list_plans(include_inactive=True)}[STARTER.id] is False


async def test_disabling_an_unknown_or_disabled_plan_is_not_found(shop: Shop) -> None:
    with pytest.raises(PlanNotFound):
        await shop.disable_plan(uuid.uuid4())
    await shop.disable_plan(STARTER.id)
    with pytest.raises(PlanNotFound):
        await shop.disable_plan(STARTER.id)


def test_prices_read_in_major_units_with_two_decimals() -> None:
    assert format_price(9_900, "INR") == "INR 99.00"
    assert format_price(105, "INR") == "INR 1.05"
