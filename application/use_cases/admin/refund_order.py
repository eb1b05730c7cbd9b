"""RefundOrder: an operator takes back a paid order's credits through the same reversal a gateway refund uses.

The refund is recorded as a full refund of the granting payment under the id `admin_<order id>`, so a second call
finds it and a later gateway refund of that payment finds the credits already reversed and takes none.
No money moves at the gateway: the operator refunds the money in the gateway's dashboard, and its webhook then
changes no balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.payment_gateway import RefundProcessed
from application.use_cases.admin.audit import checked_reason, entry
from application.use_cases.billing.reverse_purchase import Reversal, ReversePurchase
from application.use_cases.common import UowFactory
from domain.audit import AuditAction
from domain.errors import OrderNotFound, OrderNotRefundable
from domain.orders import OrderStatus, PaymentSource, granting_payment_id

ADMIN_REFUND_PREFIX = "admin_"


@dataclass(frozen=True)
class OrderRefund:
    order_id: UUID
    user_id: UUID
    credits_reversed: int
    shortfall: int  # credits the balance could not give back (never below zero)


class RefundOrder:
    def __init__(self, uow: UowFactory, reverse: ReversePurchase, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.reverse = reverse
        self.clock = clock
        self.ids = ids

    async def __call__(self, actor: str, order_id: UUID, reason: str) -> OrderRefund:
        """Raises ValidationFailed (reason), OrderNotFound, OrderNotRefundable (not paid, or refunded before)."""
        why = checked_reason(reason)
        refund_id = f"{ADMIN_REFUND_PREFIX}{order_id}"
        async with self.uow() as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                raise OrderNotFound()
            granting = granting_payment_id(await uow.payments.for_order(order.id))
            if order.status is not OrderStatus.PAID or granting is None:
                raise OrderNotRefundable("the order granted no credits")
            refund = RefundProcessed(
                "admin.refund", order.gateway_order_id, granting, refund_id, order.amount, order.currency
            )
            result = await self.reverse.within(uow, order, refund, PaymentSource.ADMIN)
            if result.outcome is Reversal.ALREADY_RECORDED:
                raise OrderNotRefundable("an operator already refunded this order")
            if result.outcome is not Reversal.REVERSED:
                raise OrderNotRefundable("the order granted no credits")  # rolled back: nothing recorded
            detail = f"order {order.id}: {result.reversed} credits taken back, {result.shortfall} short: {why}"
            await uow.audit.add(entry(self.ids, self.clock, actor, AuditAction.REFUND_ORDER, order.user_id, detail))
            await uow.commit()
        return OrderRefund(order.id, order.user_id, result.reversed, result.shortfall)
