"""DispatchWebhooks hands due deliveries to the queue; DeliverWebhook signs, sends once and schedules the retry."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.ports.target_guard import TargetGuard
from application.ports.task_queue import TaskQueue
from application.ports.webhook_sender import WebhookSender
from application.use_cases.common import UowFactory
from domain.errors import DeliveryError, DependencyUnavailable, ValidationFailed
from domain.outbound_webhooks import Delivery, DeliveryStatus, RetryPolicy, signature

log = logging.getLogger(__name__)

ERROR_MAX = 500


class DispatchWebhooks:
    def __init__(self, uow: UowFactory, queue: TaskQueue, clock: Clock, hold: timedelta, batch: int = 100) -> None:
        self.uow = uow
        self.queue = queue
        self.clock = clock
        self.hold = hold  # a claimed delivery whose job never ran is due again after this
        self.batch = batch

    async def __call__(self) -> int:
        """Claim up to `batch` due deliveries and enqueue one job each; how many were sent to the queue."""
        now = self.clock.now()
        async with self.uow() as uow:
            due = await uow.deliveries.claim_due(now, now + self.hold, self.batch)
            await uow.commit()
        sent = 0
        for delivery_id in due:
            try:
                await self.queue.enqueue(delivery_id)
                sent += 1
            except DependencyUnavailable:
                log.warning("queue unavailable; delivery %s is due again after its hold", delivery_id)
        return sent


class DeliverWebhook:
    def __init__(
        self, uow: UowFactory, sender: WebhookSender, guard: TargetGuard, clock: Clock, policy: RetryPolicy
    ) -> None:
        self.uow = uow
        self.sender = sender
        self.guard = guard
        self.clock = clock
        self.policy = policy

    async def __call__(self, delivery_id: UUID) -> Delivery | None:
        """One attempt. At least once: a repeated job may send again, and receivers de-duplicate on webhook-id."""
        async with self.uow() as uow:
            delivery = await uow.deliveries.get(delivery_id)
            endpoint = await uow.webhook_endpoints.get(delivery.endpoint_id) if delivery else None
        if delivery is None or endpoint is None or delivery.status != DeliveryStatus.PENDING:
            return None
        now = self.clock.now()
        if endpoint.disabled_at is not None:
            return await self._settle(delivery, None, f"the endpoint is disabled: {endpoint.disabled_reason}", final=True)
        timestamp = int(now.timestamp())
        body = delivery.body.encode()
        headers = {
            "content-type": "application/json",
            "webhook-id": str(delivery.id),
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(endpoint.secret, str(delivery.id), timestamp, body),
        }
        try:
            await self.guard.check(endpoint.url)  # again at delivery: DNS may have changed since it was added
            status = await self.sender.send(endpoint.url, headers, body)
        except (DeliveryError, ValidationFailed) as exc:
            return await self._settle(delivery, None, exc.detail)
        if 200 <= status < 300:
            return await self._settle(delivery, status, None)
        return await self._settle(delivery, status, f"the endpoint answered {status}")

    async def _settle(self, delivery: Delivery, status: int | None, error: str | None, final: bool = False) -> Delivery:
        now = self.clock.now()
        delivery.attempts += 0 if final else 1
        delivery.last_status_code = status
        delivery.last_error = error[:ERROR_MAX] if error else None
        retry_at = None if final or error is None else self.policy.next_attempt(delivery, now)
        if error is None:
            delivery.status = DeliveryStatus.DELIVERED
        elif retry_at is None:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = retry_at
        async with self.uow() as uow:
            if not await uow.deliveries.record(delivery):
                return delivery  # settled by a concurrent attempt
            if error is None:
                await uow.webhook_endpoints.succeeded(delivery.endpoint_id)
            elif not final:
                reason = f"{self.policy.disable_after} failed attempts in a row; the last: {error}"
                if await uow.webhook_endpoints.failed(delivery.endpoint_id, now, self.policy.disable_after, reason[:ERROR_MAX]):
                    log.warning("webhook endpoint %s disabled: %s", delivery.endpoint_id, reason)
            await uow.commit()
        return delivery
