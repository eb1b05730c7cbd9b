"""RefundOrder: an operator refunds a paid order: its credits come back to us and its money goes back to the buyer.

One transaction takes the credits back (the reversal a gateway refund uses, recorded under the id `admin_<order id>`)
and records the money refund as pending; only after commit is the gateway asked, and the refund then marked sent.
So a crash or a gateway failure leaves a pending refund that an operator sees and retries (the same request again),
never money returned with the credits still spendable. A retry sends the same idempotency key, so the gateway never
refunds twice, and one sender at a time holds the refund (a lease). The gateway's later refund.processed finds the
refund id recorded and takes nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.payment_gateway import PaymentGateway, RefundProcessed
from application.use_cases.admin.audit import checked_reason, entry
from application.use_cases.billing.reverse_purchase import Reversal, ReversePurchase
from application.use_cases.common import UowFactory
from domain.audit import AuditAction
from domain.errors import GatewayFailed, OrderNotFound, OrderNotRefundable, RefundBeingSent, RefundNotSent
from domain.money_refunds import MoneyRefund
from domain.orders import Order, OrderStatus, PaymentSource, granting_payment_id, reversed_so_far

ADMIN_REFUND_PREFIX = "admin_"
# Longer than any gateway call (its timeout is seconds): a sender that died mid-call lets a retry in after this.
SEND_LEASE = timedelta(minutes=2)


@dataclass(frozen=True)
class OrderRefund:
    order_id: UUID
    user_id: UUID
    credits_reversed: int  # by this request; 0 when it only retried the money refund
    shortfall: int  # credits the balance could not give back (never below zero)
    amount_refunded: int = 0  # money returned through the gateway, in the currency's smallest unit
    gateway_refund_id: str | None = None  # None: no money was left to return


class RefundOrder:
    def __init__(
        self, uow: UowFactory, reverse: ReversePurchase, gateway: PaymentGateway, clock: Clock, ids: IdGenerator
    ) -> None:
        self.uow = uow
        self.reverse = reverse
        self.gateway = gateway
        self.clock = clock
        self.ids = ids

    async def __call__(self, actor: str, order_id: UUID, reason: str) -> OrderRefund:
        """Raises ValidationFailed (reason), OrderNotFound, OrderNotRefundable (not paid, or refunded before),
        RefundBeingSent (another operator is sending it now) or RefundNotSent (credits back, money pending)."""
        why = checked_reason(reason)
        async with self.uow() as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                raise OrderNotFound()
            pending = await uow.money_refunds.get(order.id)
        if pending is not None:
            if pending.sent:
                raise OrderNotRefundable("an operator already refunded this order, its money too")
            return await self._send(order, pending, credits_reversed=0, shortfall=0)
        return await self._reverse_then_send(actor, order, why)

    async def _reverse_then_send(self, actor: str, order: Order, why: str) -> OrderRefund:
        now = self.clock.now()
        async with self.uow() as uow:
            history = await uow.payments.for_order(order.id)
            granting = granting_payment_id(history)
            if order.status is not OrderStatus.PAID or granting is None:
                raise OrderNotRefundable("the order granted no credits")
            refunded_before, _ = reversed_so_far(history, granting)
            refund = RefundProcessed(
                "admin.refund", order.gateway_order_id, granting, f"{ADMIN_REFUND_PREFIX}{order.id}", order.amount,
                order.currency,
            )  # fmt: skip
            result = await self.reverse.within(uow, order, refund, PaymentSource.ADMIN)
            if result.outcome is Reversal.ALREADY_RECORDED:
                raise OrderNotRefundable("an operator already refunded this order")
            if result.outcome is not Reversal.REVERSED:
                raise OrderNotRefundable("the order granted no credits")  # rolled back: nothing recorded
            left = order.amount - refunded_before  # a refund made at the gateway before already returned the rest
            pending = MoneyRefund(order.id, granting, left, order.currency, now, now) if left > 0 else None
            if pending is not None:
                await uow.money_refunds.add(pending)
            detail = f"order {order.id}: {result.reversed} credits taken back, {result.shortfall} short: {why}"
            await uow.audit.add(entry(self.ids, self.clock, actor, AuditAction.REFUND_ORDER, order.user_id, detail))
            await uow.commit()
        if pending is None:
            return OrderRefund(order.id, order.user_id, result.reversed, result.shortfall)
        return await self._send(order, pending, result.reversed, result.shortfall)

    async def _send(
        self, order: Order, pending: MoneyRefund, credits_reversed: int, shortfall: int
    ) -> OrderRefund:
        now = self.clock.now()
        async with self.uow() as uow:
            claimed = await uow.money_refunds.claim(order.id, now, now + SEND_LEASE)
            await uow.commit()
        if not claimed:
            raise RefundBeingSent("another request is refunding this order's money right now: look again shortly")
        notes = {"order_id": str(order.id)}  # a retry must send the very same body (Razorpay's idempotency rule)
        try:
            made = await self.gateway.refund(
                pending.payment_id, pending.amount, pending.currency, pending.idempotency_key, pending.receipt, notes
            )
        except GatewayFailed as exc:
            async with self.uow() as uow:
                await uow.money_refunds.failed(order.id, exc.detail, self.clock.now())
                await uow.commit()
            raise RefundNotSent(
                f"the order's credits were taken back, but the payment gateway did not refund the money "
                f"({exc.detail}): the refund is pending; refund the order again to retry (it never pays twice)"
            ) from exc
        async with self.uow() as uow:
            await uow.money_refunds.sent(order.id, made.refund_id, self.clock.now())
            await uow.commit()
        return OrderRefund(order.id, order.user_id, credits_reversed, shortfall, made.amount, made.refund_id)
