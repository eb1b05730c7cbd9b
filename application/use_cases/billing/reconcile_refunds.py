"""ReconcileRefunds: a refund.processed can be lost (the webhook disabled after a day of failures, a rotated secret).

The refunds of recently paid orders' granting payments are fetched from the gateway, the orders checked longest ago
first, and each processed refund not yet recorded goes through ReversePurchase, exactly as its webhook would.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from application.ports.clock import Clock
from application.ports.payment_gateway import GatewayRefund, PaymentGateway, RefundProcessed
from application.use_cases.billing.reverse_purchase import Reversal, ReversePurchase
from application.use_cases.common import UowFactory
from domain.errors import DuplicateRecord, GatewayFailed
from domain.orders import Order, PaymentSource, granting_payment_id

log = logging.getLogger(__name__)

PROCESSED = "processed"
MAX_FAILURES = 3  # gateway failures in one run before the run gives up


@dataclass(frozen=True)
class RefundsReconciled:
    checked: int = 0  # orders whose refunds the gateway listed
    reversed: int = 0  # refunds that took credits back
    unreachable: int = 0


class ReconcileRefunds:
    def __init__(
        self, uow: UowFactory, gateway: PaymentGateway, reverse: ReversePurchase, clock: Clock, window: timedelta,
        batch: int = 100,
    ) -> None:  # fmt: skip
        self.uow = uow
        self.gateway = gateway
        self.reverse = reverse
        self.clock = clock
        self.window = window
        self.batch = batch

    async def __call__(self) -> RefundsReconciled:
        """Up to `batch` orders paid within `window`, each checked once per run."""
        now = self.clock.now()
        async with self.uow() as uow:
            paid = await uow.orders.paid_since(self.gateway.name, now - self.window, self.batch)
        checked = reversed_ = unreachable = 0
        for order in paid:
            try:
                reversed_ += await self._check(order)
            except GatewayFailed as exc:
                unreachable += 1
                log.warning("checking the refunds of order %s: the gateway failed (%s)", order.id, exc.detail)
                if unreachable >= MAX_FAILURES:
                    break  # the gateway is down: the rest wait for the next run rather than each for a timeout
                continue
            async with self.uow() as uow:
                await uow.orders.refunds_checked(order.id, now)
                await uow.commit()
            checked += 1
        if reversed_:
            log.info("reconciliation: %d refunds whose webhook was lost took credits back", reversed_)
        return RefundsReconciled(checked, reversed_, unreachable)

    async def _check(self, order: Order) -> int:
        async with self.uow() as uow:
            granting = granting_payment_id(await uow.payments.for_order(order.id))
        if granting is None:
            return 0
        refunds = await self.gateway.fetch_payment_refunds(granting)
        applied = [await self._apply(order, refund) for refund in refunds if refund.status == PROCESSED]
        return sum(applied)

    async def _apply(self, order: Order, refund: GatewayRefund) -> int:
        event = RefundProcessed(
            "refund.processed", order.gateway_order_id, refund.payment_id, refund.refund_id, refund.amount,
            refund.currency,
        )  # fmt: skip
        try:
            async with self.uow() as uow:
                result = await self.reverse.within(uow, order, event, source=PaymentSource.RECONCILE)
                await uow.commit()
        except DuplicateRecord:
            return 0  # its webhook recorded it meanwhile
        if result.outcome is Reversal.REVERSED:
            log.info("refund %s of order %s had not arrived: %d credits reversed", refund.refund_id, order.id,
                     result.reversed)  # fmt: skip
            return 1
        return 0
