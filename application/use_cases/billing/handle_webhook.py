"""HandleWebhook: check the signature, store the delivery once per event id, and act on it in the same transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.metrics import Metrics
from application.ports.payment_gateway import (
    GatewayEvent,
    OtherEvent,
    PaymentCaptured,
    PaymentFailed,
    PaymentGateway,
    RefundProcessed,
)
from application.ports.unit_of_work import UnitOfWork
from application.use_cases.billing.capture_credits import CaptureCredits, Captured, CapturePayment, CaptureResult
from application.use_cases.billing.payment_rows import new_payment
from application.use_cases.billing.reverse_purchase import Reversal, ReversePurchase
from application.use_cases.billing.storable_event import storable_event
from application.use_cases.common import UowFactory
from domain.credits import Reason
from domain.errors import BadRequest, DuplicateRecord, InvalidSignature
from domain.orders import Order, PaymentKind, PaymentSource
from domain.webhooks import WebhookEvent, WebhookOutcome, event_id_of

log = logging.getLogger(__name__)

# A refund id recorded by a concurrent delivery of another event makes the first try roll back; the second sees it.
ATTEMPTS = 2

_CAPTURED = {
    Captured.GRANTED: WebhookOutcome.CAPTURED,
    Captured.ALREADY_PAID: WebhookOutcome.ALREADY_PAID,
    Captured.MISMATCH: WebhookOutcome.MISMATCH,
    Captured.UNKNOWN_ORDER: WebhookOutcome.UNKNOWN_ORDER,
}
_REVERSAL = {
    Reversal.REVERSED: WebhookOutcome.REFUNDED,
    Reversal.ALREADY_RECORDED: WebhookOutcome.IGNORED,
    Reversal.MISMATCH: WebhookOutcome.MISMATCH,
    Reversal.NOT_PAID: WebhookOutcome.IGNORED,
    Reversal.NOT_GRANTING: WebhookOutcome.IGNORED,
}


@dataclass(frozen=True)
class WebhookDelivery:
    body: bytes
    signature: str | None
    event_id: str | None = None


@dataclass(frozen=True)
class Handled:
    outcome: WebhookOutcome
    order_id: UUID | None = None
    capture: tuple[CapturePayment, CaptureResult] | None = None
    reversed: int = 0


class HandleWebhook:
    def __init__(
        self,
        uow: UowFactory,
        gateway: PaymentGateway,
        capture: CaptureCredits,
        reverse: ReversePurchase,
        clock: Clock,
        ids: IdGenerator,
        metrics: Metrics,
    ) -> None:
        self.uow = uow
        self.gateway = gateway
        self.capture = capture
        self.reverse = reverse
        self.clock = clock
        self.ids = ids
        self.metrics = metrics

    async def __call__(self, delivery: WebhookDelivery) -> WebhookOutcome:
        """Raises InvalidSignature (changes nothing) or BadRequest for a signed body that is not an event.

        Everything else is acknowledged, so that the gateway stops retrying: unknown events and orders included.
        """
        if not delivery.signature or not self.gateway.verify_webhook(delivery.body, delivery.signature):
            self.metrics.webhook_event(WebhookOutcome.INVALID_SIGNATURE)
            log.warning("a webhook delivery with a missing or wrong signature was refused")
            raise InvalidSignature()
        try:
            event = storable_event(self.gateway.parse_event(delivery.body))
        except BadRequest:
            self.metrics.webhook_event(WebhookOutcome.MALFORMED)
            raise
        event_id = event_id_of(delivery.event_id, delivery.body)
        for _ in range(ATTEMPTS):
            try:
                handled = await self._store_and_act(event_id, event, delivery.body)
            except DuplicateRecord:
                if await self._redelivered(event_id):
                    self.metrics.webhook_event(WebhookOutcome.DUPLICATE)
                    log.info("webhook event %s delivered again: nothing to do", event_id)
                    return WebhookOutcome.DUPLICATE
                continue
            self._report(event_id, event, handled)
            return handled.outcome
        raise DuplicateRecord(f"webhook event {event_id} kept colliding")

    async def _store_and_act(self, event_id: str, event: GatewayEvent, body: bytes) -> Handled:
        now = self.clock.now()
        record = WebhookEvent(
            id=self.ids.new(),
            gateway=self.gateway.name,
            event_id=event_id,
            event_type=event.type,
            payload=body.decode("utf-8", errors="replace"),
            received_at=now,
            last_delivery_at=now,
        )
        async with self.uow() as uow:
            await uow.webhook_events.add(record)  # first: a concurrent twin waits on the unique event id
            handled = await self._act(uow, event, now)
            await uow.webhook_events.settle(record.id, handled.outcome, handled.order_id)
            await uow.commit()
        return handled

    async def _act(self, uow: UnitOfWork, event: GatewayEvent, now: datetime) -> Handled:
        if isinstance(event, OtherEvent):
            return Handled(WebhookOutcome.IGNORED)
        order = await self._order(uow, event.gateway_order_id)
        if order is None:
            return Handled(WebhookOutcome.UNKNOWN_ORDER)
        if isinstance(event, PaymentCaptured):
            cmd = CapturePayment(order.id, event.payment_id, event.amount, event.currency, PaymentSource.WEBHOOK)
            result = await self.capture.within(uow, cmd)
            return Handled(_CAPTURED[result.outcome], order.id, capture=(cmd, result))
        if isinstance(event, PaymentFailed):
            return Handled(await self._fail(uow, order, event, now), order.id)
        reversal = await self.reverse.within(uow, order, event)
        return Handled(_REVERSAL[reversal.outcome], order.id, reversed=reversal.reversed)

    async def _order(self, uow: UnitOfWork, gateway_order_id: str | None) -> Order | None:
        if not gateway_order_id:
            return None
        return await uow.orders.by_gateway_id(self.gateway.name, gateway_order_id)

    async def _fail(self, uow: UnitOfWork, order: Order, event: PaymentFailed, now: datetime) -> WebhookOutcome:
        """The order fails unless it is paid already; a later capture on it (the buyer retried) still grants."""
        failed = await uow.orders.mark_failed(order.id, now)
        await uow.payments.add(
            new_payment(
                self.ids, now, order, PaymentKind.FAILED, event.payment_id, event.amount, event.currency,
                PaymentSource.WEBHOOK, detail=event.reason,
            )  # fmt: skip
        )
        return WebhookOutcome.FAILED if failed else WebhookOutcome.IGNORED

    async def _redelivered(self, event_id: str) -> bool:
        async with self.uow() as uow:
            known = await uow.webhook_events.redelivered(self.gateway.name, event_id, self.clock.now())
            await uow.commit()
        return known

    def _report(self, event_id: str, event: GatewayEvent, handled: Handled) -> None:
        self.metrics.webhook_event(handled.outcome)
        if handled.capture is not None:
            self.capture.report(*handled.capture)
        if handled.reversed:
            self.metrics.credits(Reason.PURCHASE_REVERSAL, handled.reversed)
        log.info("webhook event %s (%s): %s", event_id, event.type, handled.outcome)
