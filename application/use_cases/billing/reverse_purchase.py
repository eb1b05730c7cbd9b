"""ReversePurchase: a refund takes back credits in proportion, never below a zero balance, recording any shortfall."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.payment_gateway import RefundProcessed
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.billing.payment_rows import new_payment
from domain.credits import Reason
from domain.errors import InsufficientCredits
from domain.orders import Order, Payment, PaymentKind, PaymentSource, granting_payment_id, reversed_so_far

log = logging.getLogger(__name__)

# A concurrent spend can lower the balance between reading it and taking from it; then read it again.
TAKE_ATTEMPTS = 3


class Reversal(StrEnum):
    REVERSED = "reversed"
    ALREADY_RECORDED = "already_recorded"
    MISMATCH = "mismatch"
    NOT_PAID = "not_paid"
    NOT_GRANTING = "not_granting"


@dataclass(frozen=True)
class ReversalResult:
    outcome: Reversal
    reversed: int = 0
    shortfall: int = 0


class ReversePurchase:
    def __init__(self, clock: Clock, ids: IdGenerator) -> None:
        self.clock = clock
        self.ids = ids

    async def within(
        self, uow: UnitOfWork, order: Order, refund: RefundProcessed, source: PaymentSource = PaymentSource.WEBHOOK
    ) -> ReversalResult:
        """Inside the caller's transaction; the refund id is recorded once (a unique rule settles a race)."""
        if await uow.payments.recorded(PaymentKind.REFUNDED, refund.refund_id):
            return ReversalResult(Reversal.ALREADY_RECORDED)
        if await uow.money_refunds.by_gateway_refund(refund.refund_id) is not None:
            # The money an operator refunded: its credits went back with the request, under the admin refund's id.
            return ReversalResult(Reversal.ALREADY_RECORDED)
        if refund.currency.upper() != order.currency:
            if not await uow.payments.recorded(PaymentKind.MISMATCHED, refund.refund_id):
                detail = "refund in another currency"
                mismatch = self._row(order, refund, source, PaymentKind.MISMATCHED, detail=detail)
                await uow.payments.add(mismatch)
            return ReversalResult(Reversal.MISMATCH)
        paid = await uow.orders.lock_paid(order.id, self.clock.now())  # refunds of one order queue here
        if paid is None:
            # Nothing was granted (an auto-refund of a payment never captured): record it, take nothing.
            not_paid = self._row(order, refund, source, PaymentKind.REFUNDED, detail="the order was not paid")
            await uow.payments.add(not_paid)
            return ReversalResult(Reversal.NOT_PAID)
        history = await uow.payments.for_order(order.id)  # read after the lock
        granting = granting_payment_id(history)
        if granting is not None and refund.payment_id != granting:
            # Razorpay auto-refunds a second payment on a paid order (captured: false): its money never paid for
            # the credits, so its refund takes none back.
            detail = f"a refund of payment {refund.payment_id}, which granted no credits"
            await uow.payments.add(self._row(order, refund, source, PaymentKind.REFUNDED, detail=detail))
            return ReversalResult(Reversal.NOT_GRANTING)
        refunded, reversed_before = reversed_so_far(history, granting)
        due = order.credits_to_reverse(refunded + refund.amount, reversed_before)
        taken = await self._take(uow, order.user_id, due, order.id, self.clock.now())
        detail = None
        if taken < due:
            detail = f"{due - taken} credits could not be reversed: the balance would go below zero"
        await uow.payments.add(
            self._row(order, refund, source, PaymentKind.REFUNDED, credits=-taken, shortfall=due - taken, detail=detail)
        )
        if taken < due:
            log.warning("refund %s on order %s: %d of %d credits reversed", refund.refund_id, order.id, taken, due)
        return ReversalResult(Reversal.REVERSED, taken, due - taken)

    async def _take(self, uow: UnitOfWork, user_id: UUID, due: int, order_id: UUID, now: datetime) -> int:
        for _ in range(TAKE_ATTEMPTS):
            take = min(due, await uow.credits.balance(user_id))
            if take <= 0:
                return 0
            try:
                await uow.credits.grant(
                    user_id, -take, Reason.PURCHASE_REVERSAL, self.ids.new(), now, order_id=order_id
                )
            except InsufficientCredits:
                continue
            return take
        return 0

    def _row(
        self,
        order: Order,
        refund: RefundProcessed,
        source: PaymentSource,
        kind: PaymentKind,
        credits: int = 0,
        shortfall: int = 0,
        detail: str | None = None,
    ) -> Payment:
        return new_payment(
            self.ids, self.clock.now(), order, kind, refund.refund_id, refund.amount, refund.currency, source,
            credits=credits, shortfall=shortfall, detail=detail, refunded_payment_id=refund.payment_id,
        )  # fmt: skip
