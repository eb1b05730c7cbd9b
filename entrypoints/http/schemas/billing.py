"""Plans, orders, checkout verification and webhook answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from application.use_cases.billing.create_order import PlacedOrder
from domain.orders import Order
from domain.plans import Plan
from domain.values import Page

GatewayId = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class PlanOut(msgspec.Struct):
    id: UUID
    name: str
    credits: int
    price: Annotated[int, msgspec.Meta(description="Minor units: paise for INR")]
    currency: str

    @classmethod
    def of(cls, plan: Plan) -> PlanOut:
        return cls(plan.id, plan.name, plan.credits, plan.price, plan.currency)


class OrderBody(msgspec.Struct, forbid_unknown_fields=True):
    plan_id: UUID


class VerifyBody(msgspec.Struct, forbid_unknown_fields=True):
    """What Razorpay Checkout hands its `handler` after a successful payment."""

    razorpay_order_id: GatewayId
    razorpay_payment_id: GatewayId
    razorpay_signature: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class OrderOut(msgspec.Struct):
    id: UUID
    plan_id: UUID
    credits: int
    amount: int
    currency: str
    status: str
    gateway: str
    gateway_order_id: str
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def of(cls, order: Order) -> OrderOut:
        return cls(
            id=order.id,
            plan_id=order.plan_id,
            credits=order.credits,
            amount=order.amount,
            currency=order.currency,
            status=str(order.status),
            gateway=order.gateway,
            gateway_order_id=order.gateway_order_id,
            created_at=order.created_at,
            paid_at=order.paid_at,
        )


class PlacedOrderOut(OrderOut):
    checkout: dict[str, Any]

    @classmethod
    def placed(cls, placed: PlacedOrder, checkout: dict[str, Any]) -> PlacedOrderOut:
        return cls(**msgspec.structs.asdict(OrderOut.of(placed.order)), checkout=checkout)


class OrderPage(msgspec.Struct):
    items: list[OrderOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Order]) -> OrderPage:
        return cls([OrderOut.of(order) for order in page.items], page.next_cursor)


class WebhookAck(msgspec.Struct):
    status: str = "ok"


class Problem(msgspec.Struct):
    """RFC 9457 problem details, as every error of the API answers."""

    type: str
    title: str
    status: int
    detail: str
