"""Taskiq jobs: thin edges that load the container and call a use case."""

from __future__ import annotations

import logging
from typing import Annotated
from uuid import UUID

from taskiq import AsyncBroker, Context, TaskiqDepends

from adapters.taskiq.mail_queue import SEND_ACCOUNT_MAIL
from adapters.taskiq.queue import DELIVER_WEBHOOK, PROCESS_TASK
from domain.mail import AccountMail, MailRequest
from entrypoints.worker import background

log = logging.getLogger(__name__)

SWEEP = "pixelmill.sweep"
RECONCILE = "pixelmill.reconcile_orders"
RETENTION = "pixelmill.purge_expired_images"
RETENTION_INTERVAL_SECONDS = 3600  # retention counts in days: an hourly pass is prompt enough
DISPATCH_WEBHOOKS = "pixelmill.dispatch_webhooks"


async def process_task(task_id: str, context: Annotated[Context, TaskiqDepends()]) -> None:
    """Process one task; a redelivered message is harmless (the claim decides)."""
    try:
        parsed = UUID(task_id)
    except ValueError:
        log.error("dropping a message with a malformed task id %r", task_id)
        return
    await context.state.container.process_task()(parsed)


async def sweep(context: Annotated[Context, TaskiqDepends()]) -> int:
    """Re-enqueue stale tasks."""
    return await context.state.container.sweep()()


async def reconcile_orders(context: Annotated[Context, TaskiqDepends()]) -> int:
    """Ask the gateway about orders still unpaid; capture the paid ones, fail the abandoned ones."""
    reconciled = await context.state.container.reconcile_orders()()
    return reconciled.captured


async def send_account_mail(
    kind: str, email: str, user_id: str | None, context: Annotated[Context, TaskiqDepends()]
) -> bool:
    """Compose and send an account mail; the link is made here, after the request's commit."""
    try:
        request = MailRequest(AccountMail(kind), email, UUID(user_id) if user_id else None)
    except ValueError:
        log.error("dropping a malformed mail request of kind %r", kind)
        return False
    return await context.state.container.send_account_mail()(request)


async def dispatch_webhooks(context: Annotated[Context, TaskiqDepends()]) -> int:
    """Send each due webhook delivery to the queue as a job of its own."""
    return await context.state.container.dispatch_webhooks()()


async def deliver_webhook(delivery_id: str, context: Annotated[Context, TaskiqDepends()]) -> bool:
    """Start one signed attempt beside the jobs (a slow receiver holds no slot); retries are scheduled in the database."""
    try:
        parsed = UUID(delivery_id)
    except ValueError:
        log.error("dropping a message with a malformed delivery id %r", delivery_id)
        return False
    return background.attempts.start(parsed, context.state.container.deliver_webhook())


async def purge_expired_images(context: Annotated[Context, TaskiqDepends()]) -> int:
    """Delete the images of tasks past the retention period (nothing when it is off)."""
    return await context.state.container.purge_expired_images()()


def register_jobs(broker: AsyncBroker) -> None:
    broker.register_task(process_task, task_name=PROCESS_TASK)
    broker.register_task(sweep, task_name=SWEEP)
    broker.register_task(reconcile_orders, task_name=RECONCILE)
    broker.register_task(purge_expired_images, task_name=RETENTION)
    broker.register_task(send_account_mail, task_name=SEND_ACCOUNT_MAIL)
    broker.register_task(dispatch_webhooks, task_name=DISPATCH_WEBHOOKS)
    broker.register_task(deliver_webhook, task_name=DELIVER_WEBHOOK)
