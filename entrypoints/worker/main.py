"""The broker `taskiq worker entrypoints.worker.main:broker` runs: it builds the container at worker start-up."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from dependency_injector import providers
from taskiq import TaskiqEvents, TaskiqState

from adapters.taskiq.stream_broker import ReliableStreamBroker
from entrypoints.container import build_container
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import load_settings, with_jwt_secret
from entrypoints.worker.broker import make_broker
from entrypoints.worker.schedule import run_on_schedule
from entrypoints.worker.tasks import DISPATCH_WEBHOOKS, RECONCILE, SWEEP

settings = load_settings()
broker = make_broker(settings)


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def start_container(state: TaskiqState) -> None:
    configure_logging(settings.log_level)  # after taskiq's own logging set-up in this worker process
    container = build_container(with_jwt_secret(settings))
    # One broker per process: what the sweeper re-enqueues goes out through this one.
    container.broker.override(providers.Object(broker))
    state.container = container
    if isinstance(broker, ReliableStreamBroker):
        intervals = {
            SWEEP: settings.sweep_interval_seconds,
            RECONCILE: settings.order_reconcile_interval_seconds,
            DISPATCH_WEBHOOKS: settings.webhook_dispatch_interval_seconds,
        }
        state.scheduler = asyncio.create_task(run_on_schedule(broker, intervals), name="pixelmill-schedule")


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def stop_container(state: TaskiqState) -> None:
    scheduler = getattr(state, "scheduler", None)
    if scheduler is not None:
        scheduler.cancel()
        with suppress(asyncio.CancelledError):
            await scheduler
    container = getattr(state, "container", None)
    if container is not None:
        await container.pixels().close()
        await container.engine().dispose()
