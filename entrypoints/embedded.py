"""What runs beside the HTTP app: the worker and the sweeper in embedded mode, the broker's client side otherwise."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import TYPE_CHECKING, TypeVar

from entrypoints.container import Container, running
from entrypoints.jobs import RETENTION_INTERVAL_SECONDS

if TYPE_CHECKING:
    from litestar import Litestar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Tasks still running after this are cut off; their lease runs out and the sweeper re-sends them.
DRAIN_SECONDS = 10.0

Lifespan = Callable[["Litestar"], AbstractAsyncContextManager[None]]


def lifespans(container: Container) -> list[Lifespan]:
    """The lifespan managers an API process needs, whichever mode the settings choose."""
    mode = embedded_worker if container.settings().embedded else broker_client
    return [lambda _app: running(container), lambda _app: mode(container)]


@asynccontextmanager
async def embedded_worker(container: Container) -> AsyncIterator[None]:
    """The in-memory broker runs the jobs in this process, and the sweeper runs beside them."""
    settings = container.settings()
    broker = container.broker()
    await broker.startup()
    sweeper = asyncio.create_task(sweep_forever(container, settings.sweep_interval_seconds), name="pixelmill-sweeper")
    reconciler = asyncio.create_task(
        reconcile_forever(container, settings.order_reconcile_interval_seconds), name="pixelmill-reconciler"
    )
    dispatcher = asyncio.create_task(
        dispatch_forever(container, settings.webhook_dispatch_interval_seconds), name="pixelmill-webhooks"
    )
    retention = asyncio.create_task(purge_forever(container, RETENTION_INTERVAL_SECONDS), name="pixelmill-retention")
    try:
        yield
    finally:
        for loop in (sweeper, reconciler, dispatcher, retention):
            loop.cancel()
            with suppress(asyncio.CancelledError):
                await loop
        try:
            await asyncio.wait_for(broker.wait_all(), DRAIN_SECONDS)  # type: ignore[attr-defined]
        except TimeoutError:
            log.warning("tasks still running after %ss are left to the sweeper of the next start", DRAIN_SECONDS)
        await broker.shutdown()


@asynccontextmanager
async def broker_client(container: Container) -> AsyncIterator[None]:
    """An API process beside separate workers only sends to the broker."""
    broker = container.broker()
    await broker.startup()
    try:
        yield
    finally:
        await broker.shutdown()


async def sweep_forever(container: Container, interval: float) -> None:
    """Run Sweep now and every interval; a failed sweep is logged and tried again next time."""

    def sent(count: int) -> None:
        if count:
            log.info("the sweeper re-enqueued %d stale tasks", count)

    await every(interval, lambda: container.sweep()(), "the sweep failed", sent)


async def purge_forever(container: Container, interval: float) -> None:
    """Delete the images of tasks past RESULT_RETENTION_DAYS now and every interval; a failed pass is logged."""

    def purged(count: int) -> None:
        if count:
            log.info("retention: deleted the images of %d tasks", count)

    await every(interval, lambda: container.purge_expired_images()(), "the retention pass failed", purged)


async def reconcile_forever(container: Container, interval: float) -> None:
    """Run ReconcileOrders every interval (first after one interval: nothing at start-up is that urgent)."""
    await asyncio.sleep(interval)
    await every(interval, lambda: container.reconcile_orders()(), "the order reconciliation failed")


async def dispatch_forever(container: Container, interval: float) -> None:
    """Hand due webhook deliveries to the in-process broker every interval; a failed pass is logged."""
    await every(interval, lambda: container.dispatch_webhooks()(), "the webhook dispatch failed")


async def every(
    interval: float, run: Callable[[], Awaitable[T]], failure: str, report: Callable[[T], None] | None = None
) -> None:
    """`run` now and every interval until cancelled; a failed run is logged and tried again next time."""
    while True:
        try:
            result = await run()
            if report is not None:
                report(result)
        except Exception:
            log.exception("%s; trying again in %ss", failure, interval)
        await asyncio.sleep(interval)
