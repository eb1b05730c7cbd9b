"""ListOrders, GetOrder and GetCheckoutOrder: what buyers (and the sandbox checkout page) read of orders."""

from __future__ import annotations

from uuid import UUID

from application.ports.payment_gateway import PaymentGateway
from application.use_cases.common import UowFactory
from domain.errors import OrderNotFound
from domain.orders import Order
from domain.values import Page


class ListOrders:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID, limit: int, cursor: str | None) -> Page[Order]:
        """Newest first; raises ValidationFailed on a bad cursor."""
        async with self.uow() as uow:
            return await uow.orders.list(user_id, limit, cursor)


class GetOrder:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID, order_id: UUID) -> Order:
        """Raises OrderNotFound, also for another user's order."""
        async with self.uow() as uow:
            order = await uow.orders.get(order_id, user_id)
        if order is None:
            raise OrderNotFound()
        return order


class GetCheckoutOrder:
    def __init__(self, uow: UowFactory, gateway: PaymentGateway) -> None:
        self.uow = uow
        self.gateway = gateway

    async def __call__(self, gateway_order_id: str) -> Order:
        """The order behind the configured gateway's order id; raises OrderNotFound."""
        async with self.uow() as uow:
            order = await uow.orders.by_gateway_id(self.gateway.name, gateway_order_id)
        if order is None:
            raise OrderNotFound()
        return order
