"""ListPlans, AddPlan and DisablePlan: what is for sale, and the operator's say over it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.use_cases.common import UowFactory
from domain.errors import DuplicateRecord, PlanNotFound
from domain.plans import Plan, new_plan


class ListPlans:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, include_inactive: bool = False) -> list[Plan]:
        """Active plans, cheapest first; disabled ones too when asked (for operators)."""
        async with self.uow() as uow:
            return await uow.plans.list(include_inactive)


@dataclass(frozen=True)
class AddPlanCommand:
    name: str
    credits: int
    price: int
    currency: str = "INR"


class AddPlan:
    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids

    async def __call__(self, cmd: AddPlanCommand) -> Plan:
        """Raises ValidationFailed for a bad field, DuplicateRecord when an active plan has the name."""
        plan = new_plan(self.ids.new(), cmd.name, cmd.credits, cmd.price, cmd.currency, self.clock.now())
        async with self.uow() as uow:
            if any(existing.name == plan.name for existing in await uow.plans.list()):
                raise DuplicateRecord(f"an active plan is already named {plan.name!r}")
            await uow.plans.add(plan)  # a partial unique index settles a race
            await uow.commit()
        return plan


class DisablePlan:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, plan_id: UUID) -> None:
        """Orders already placed keep their credits and price; raises PlanNotFound unless the plan is active."""
        async with self.uow() as uow:
            if not await uow.plans.disable(plan_id):
                raise PlanNotFound(f"no active plan {plan_id}")
            await uow.commit()
