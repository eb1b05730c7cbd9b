"""Taskiq jobs: thin edges that call a use case of the container they were registered with."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from taskiq import AsyncBroker

from adapters.taskiq.mail_queue import SEND_ACCOUNT_MAIL
from adapters.taskiq.queue import DELIVER_WEBHOOK, PROCESS_TASK
from application.use_cases.accounts.send_account_mail import SendAccountMail
from application.use_cases.billing.reconcile_orders import ReconcileOrders
from application.use_cases.process_task import ProcessTask
from application.use_cases.retention import PurgeExpiredImages
from application.use_cases.sweep import Sweep
from application.use_cases.webhooks.deliver import DeliverWebhook, DispatchWebhooks
from domain.mail import AccountMail, MailRequest
from entrypoints.worker import background

log = logging.getLogger(__name__)

SWEEP = "pixelmill.sweep"
RECONCILE = "pixelmill.reconcile_orders"
RETENTION = "pixelmill.purge_expired_images"
RETENTION_INTERVAL_SECONDS = 3600  # retention counts in days: an hourly pass is prompt enough
DISPATCH_WEBHOOKS = "pixelmill.dispatch_webhooks"


class JobUseCases(Protocol):
    """The container's providers that the jobs call: the container itself, typed by what the jobs need of it."""

    process_task: Callable[[], ProcessTask]
    sweep: Callable[[], Sweep]
    reconcile_orders: Callable[[], ReconcileOrders]
    purge_expired_images: Callable[[], PurgeExpiredImages]
    send_account_mail: Callable[[], SendAccountMail]
    dispatch_webhooks: Callable[[], DispatchWebhooks]
    deliver_webhook: Callable[[], DeliverWebhook]


def register_jobs(broker: AsyncBroker, container: JobUseCases) -> AsyncBroker:
    """The broker, with every job bound to `container` (its overrides included: providers are read per call)."""

    async def process_task(task_id: str) -> None:
        """Process one task; a redelivered message is harmless (the claim decides)."""
        parsed = _uuid(task_id, "task id")
        if parsed is not None:
            await container.process_task()(parsed)

    async def sweep() -> int:
        """Re-enqueue stale tasks."""
        return await container.sweep()()

    async def reconcile_orders() -> int:
        """Ask the gateway about orders still unpaid; capture the paid ones, fail the abandoned ones."""
        reconciled = await container.reconcile_orders()()
        return reconciled.captured

    async def purge_expired_images() -> int:
        """Delete the images of tasks past the retention period (nothing when it is off)."""
        return await container.purge_expired_images()()

    async def send_account_mail(kind: str, email: str, user_id: str | None) -> bool:
        """Compose and send an account mail; the link is made here, after the request's commit."""
        try:
            request = MailRequest(AccountMail(kind), email, UUID(user_id) if user_id else None)
        except ValueError:
            log.error("dropping a malformed mail request of kind %r", kind)
            return False
        return await container.send_account_mail()(request)

    async def dispatch_webhooks() -> int:
        """Send each due webhook delivery to the queue as a job of its own."""
        return await container.dispatch_webhooks()()

    async def deliver_webhook(delivery_id: str) -> bool:
        """Start one signed attempt beside the jobs (a slow receiver holds no slot); retries are scheduled in the database."""
        parsed = _uuid(delivery_id, "delivery id")
        return parsed is not None and background.attempts.start(parsed, container.deliver_webhook())

    broker.register_task(process_task, task_name=PROCESS_TASK)
    broker.register_task(sweep, task_name=SWEEP)
    broker.register_task(reconcile_orders, task_name=RECONCILE)
    broker.register_task(purge_expired_images, task_name=RETENTION)
    broker.register_task(send_account_mail, task_name=SEND_ACCOUNT_MAIL)
    broker.register_task(dispatch_webhooks, task_name=DISPATCH_WEBHOOKS)
    broker.register_task(deliver_webhook, task_name=DELIVER_WEBHOOK)
    return broker


def _uuid(raw: str, what: str) -> UUID | None:
    try:
        return UUID(raw)
    except ValueError:
        log.error("dropping a message with a malformed %s %r", what, raw)
        return None
