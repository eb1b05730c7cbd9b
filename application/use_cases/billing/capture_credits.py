"""CaptureCredits: a paid order's credits, granted exactly once whoever reports the payment, however often."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.metrics import Metrics
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.billing.payment_rows import new_payment
from application.use_cases.common import UowFactory
from application.use_cases.webhooks.outbox import order_data, record_event
from domain.credits import Reason
from domain.errors import DuplicateRecord
from domain.orders import Order, Payment, PaymentKind, PaymentSource, reversed_so_far
from domain.outbound_webhooks import EventType

log = logging.getLogger(__name__)

EARLIER_REFUNDS = "refunds of this payment recorded before its capture, applied when it arrived"


@dataclass(frozen=True)
class CapturePayment:
    order_id: UUID
    payment_id: str
    amount: int
    currency: str
    source: PaymentSource


class Captured(StrEnum):
    GRANTED = "granted"
    ALREADY_PAID = "already_paid"
    MISMATCH = "mismatch"
    UNKNOWN_ORDER = "unknown_order"


@dataclass(frozen=True)
class CaptureResult:
    outcome: Captured
    order: Order | None


class CaptureCredits:
    """Reached from checkout verification, webhooks and reconciliation alike."""

    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator, metrics: Metrics) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids
        self.metrics = metrics

    async def __call__(self, cmd: CapturePayment) -> CaptureResult:
        """One transaction of its own; a duplicate or a race loses quietly (ALREADY_PAID)."""
        try:
            async with self.uow() as uow:
                result = await self.within(uow, cmd)
                await uow.commit()
        except DuplicateRecord:
            # The once-per-order ledger row is the last word; the order is paid by the one that got it in.
            async with self.uow() as uow:
                result = CaptureResult(Captured.ALREADY_PAID, await uow.orders.get(cmd.order_id))
        self.report(cmd, result)
        return result

    async def within(self, uow: UnitOfWork, cmd: CapturePayment) -> CaptureResult:
        """The capture inside the caller's transaction; the caller commits, then calls report()."""
        order = await uow.orders.get(cmd.order_id)
        if order is None:
            return CaptureResult(Captured.UNKNOWN_ORDER, None)
        now = self.clock.now()
        if not order.is_paid_in_full(cmd.amount, cmd.currency):
            if not await uow.payments.recorded(PaymentKind.MISMATCHED, cmd.payment_id):
                detail = f"paid {cmd.amount} {cmd.currency}, the order is {order.amount} {order.currency}"
                await uow.payments.add(self._payment(order, cmd, PaymentKind.MISMATCHED, detail=detail))
            return CaptureResult(Captured.MISMATCH, order)
        paid = await uow.orders.mark_paid(order.id, now)  # the conditional update: only one caller gets the row
        if paid is None:
            return CaptureResult(Captured.ALREADY_PAID, order)
        await uow.credits.grant(paid.user_id, paid.credits, Reason.PURCHASE, self.ids.new(), now, order_id=paid.id)
        await uow.payments.add(self._payment(paid, cmd, PaymentKind.CAPTURED, credits=paid.credits))
        await self._apply_earlier_refunds(uow, paid, cmd, now)
        await record_event(uow, self.ids, now, paid.user_id, EventType.CREDITS_PURCHASED, order_data(paid))
        return CaptureResult(Captured.GRANTED, paid)

    async def _apply_earlier_refunds(self, uow: UnitOfWork, paid: Order, cmd: CapturePayment, now: datetime) -> None:
        """Refunds of this payment recorded before its capture (webhooks come in any order) take their credits now.

        Only here, where the grant happens once, so they are applied once; the balance holds the credits just granted.
        """
        refunded, reversed_before = reversed_so_far(await uow.payments.for_order(paid.id), cmd.payment_id)
        due = paid.credits_to_reverse(refunded, reversed_before)
        if due == 0:
            return
        await uow.credits.grant(paid.user_id, -due, Reason.PURCHASE_REVERSAL, self.ids.new(), now, order_id=paid.id)
        applied = replace(
            self._payment(paid, cmd, PaymentKind.REFUNDED, credits=-due, detail=EARLIER_REFUNDS),
            gateway_payment_id=f"{cmd.payment_id}:earlier-refunds",  # one such row per capture: the store says so
            amount=0,  # the refunds' amounts are on their own rows already
            refunded_payment_id=cmd.payment_id,
        )
        await uow.payments.add(applied)
        log.info("order %s: %d credits of refunds recorded before its capture reversed", paid.id, due)

    def report(self, cmd: CapturePayment, result: CaptureResult) -> None:
        """Metrics and logs, after the commit."""
        if result.outcome is Captured.GRANTED and result.order is not None:
            self.metrics.payment_captured()
            self.metrics.credits(Reason.PURCHASE, result.order.credits)
            log.info(
                "order %s paid by %s (%s): %d credits granted",
                cmd.order_id, cmd.payment_id, cmd.source, result.order.credits,
            )  # fmt: skip
        elif result.outcome is Captured.MISMATCH:
            log.warning(
                "payment %s on order %s (%s) is %d %s, not the order's amount: nothing granted",
                cmd.payment_id, cmd.order_id, cmd.source, cmd.amount, cmd.currency,
            )  # fmt: skip
        elif result.outcome is Captured.UNKNOWN_ORDER:
            log.warning("payment %s (%s) names no known order %s", cmd.payment_id, cmd.source, cmd.order_id)

    def _payment(
        self, order: Order, cmd: CapturePayment, kind: PaymentKind, credits: int = 0, detail: str | None = None
    ) -> Payment:
        return new_payment(
            self.ids, self.clock.now(), order, kind, cmd.payment_id, cmd.amount, cmd.currency, cmd.source,
            credits=credits, detail=detail,
        )  # fmt: skip
