"""CreateOrder: the gateway's order for a plan first, then ours, stored `created` with the plan's credits and price."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.payment_gateway import Checkout, PaymentGateway
from application.use_cases.common import UowFactory
from domain.errors import InvalidToken, PlanNotFound
from domain.orders import Order

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    checkout: Checkout


class CreateOrder:
    def __init__(self, uow: UowFactory, gateway: PaymentGateway, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.gateway = gateway
        self.clock = clock
        self.ids = ids

    async def __call__(self, user_id: UUID, plan_id: UUID) -> PlacedOrder:
        """Raises InvalidToken (no such user), PlanNotFound (unknown or disabled plan), or GatewayFailed, storing nothing."""
        async with self.uow() as uow:
            plan = await uow.plans.get(plan_id)
            user = await uow.users.get(user_id)
        if user is None:  # a token outliving its account: refused before the gateway hears of it
            raise InvalidToken("the account of this token no longer exists")
        if plan is None or not plan.active:
            raise PlanNotFound()
        order_id = self.ids.new()
        # No transaction is open while the gateway answers: a slow gateway holds no lock.
        placed = await self.gateway.create_order(order_id, plan.price, plan.currency, plan.description)
        order = Order(
            id=order_id,
            user_id=user_id,
            plan_id=plan.id,
            credits=plan.credits,
            amount=plan.price,
            currency=plan.currency,
            gateway=self.gateway.name,
            gateway_order_id=placed.gateway_order_id,
            created_at=self.clock.now(),
        )
        async with self.uow() as uow:
            await uow.orders.add(order)
            await uow.commit()
        log.info("order %s for plan %s placed at %s as %s", order.id, plan.name, order.gateway, order.gateway_order_id)
        return PlacedOrder(order, placed.checkout)
