"""ReconcileOrders: webhooks get lost. Orders still `created` after a while are checked with the gateway, and so are
orders marked `failed` inside the abandon window (a retried or late-authorized payment can still capture on them);
then the refunds of recently paid orders (ReconcileRefunds)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from application.ports.clock import Clock
from application.ports.payment_gateway import GatewayPayment, PaymentGateway
from application.use_cases.billing.capture_credits import CaptureCredits, Captured, CapturePayment
from application.use_cases.billing.gateway_capture import AUTHORIZED, CAPTURED, captured_at_gateway
from application.use_cases.billing.reconcile_refunds import ReconcileRefunds, RefundsReconciled
from application.use_cases.common import UowFactory
from domain.errors import GatewayFailed
from domain.orders import Order, PaymentSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reconciled:
    checked: int = 0
    captured: int = 0
    abandoned: int = 0
    unreachable: int = 0
    refunds: RefundsReconciled = RefundsReconciled()


class ReconcileOrders:
    def __init__(
        self,
        uow: UowFactory,
        gateway: PaymentGateway,
        capture: CaptureCredits,
        clock: Clock,
        reconcile_after: timedelta,
        abandon_after: timedelta,
        batch: int = 100,
        refunds: ReconcileRefunds | None = None,
    ) -> None:
        self.uow = uow
        self.gateway = gateway
        self.capture = capture
        self.clock = clock
        self.reconcile_after = reconcile_after
        self.abandon_after = abandon_after
        self.batch = batch
        self.refunds = refunds

    async def __call__(self) -> Reconciled:
        """Captures paid orders through CaptureCredits; marks those abandoned past the longer age `failed`."""
        now = self.clock.now()
        async with self.uow() as uow:
            pending = await uow.orders.pending(
                self.gateway.name, now - self.reconcile_after, self.batch, failed_since=now - self.abandon_after
            )
        captured = abandoned = unreachable = 0
        for order in pending:
            try:
                payments = await self.gateway.fetch_order_payments(order.gateway_order_id)
            except GatewayFailed as exc:
                unreachable += 1
                log.warning("reconciling order %s: the gateway failed (%s); trying next time", order.id, exc.detail)
                continue
            # Captured ones first; an authorized one (manual capture, the buyer gone before verify) is captured here.
            capturable = [p for p in payments if p.status == AUTHORIZED and order.is_paid_in_full(p.amount, p.currency)]
            ranked = [p for p in payments if p.status == CAPTURED] + capturable
            if await self._capture_any(order, ranked):
                captured += 1
            elif order.created_at < now - self.abandon_after and await self._abandon(order):
                abandoned += 1
        if captured or abandoned:
            log.info("reconciliation: %d orders captured, %d abandoned", captured, abandoned)
        refunds = await self.refunds() if self.refunds is not None else RefundsReconciled()
        return Reconciled(len(pending), captured, abandoned, unreachable, refunds)

    async def _capture_any(self, order: Order, payments: list[GatewayPayment]) -> bool:
        for candidate in payments:
            try:
                payment = await captured_at_gateway(self.gateway, order, candidate)
            except GatewayFailed as exc:
                log.warning("capturing payment %s of order %s failed (%s)", candidate.payment_id, order.id, exc.detail)
                continue
            if payment.status != CAPTURED:
                continue
            found = CapturePayment(
                order.id, payment.payment_id, payment.amount, payment.currency, PaymentSource.RECONCILE
            )
            result = await self.capture(found)
            if result.outcome in (Captured.GRANTED, Captured.ALREADY_PAID):
                return True
        return False

    async def _abandon(self, order: Order) -> bool:
        async with self.uow() as uow:
            failed = await uow.orders.mark_failed(order.id, self.clock.now())
            await uow.commit()
        if failed:
            log.info("order %s abandoned: no payment after %s", order.id, self.abandon_after)
        return failed is not None
