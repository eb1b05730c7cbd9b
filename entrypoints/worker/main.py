"""The broker `taskiq worker entrypoints.worker.main:broker` runs: each worker process builds its container here."""

from __future__ import annotations

import asyncio
from contextlib import suppress

from taskiq import TaskiqEvents, TaskiqState

from adapters.taskiq.stream_broker import ReliableStreamBroker
from entrypoints.container import build_container, close_resources, open_resources
from entrypoints.logging_setup import configure_logging
from entrypoints.settings import load_settings, with_jwt_secret
from entrypoints.worker.metrics_server import count_queue_forever, serve_metrics
from entrypoints.worker.schedule import run_on_schedule
from entrypoints.jobs import DISPATCH_WEBHOOKS, RECONCILE, RETENTION, RETENTION_INTERVAL_SECONDS, SWEEP

settings = with_jwt_secret(load_settings())
container = build_container(settings)
# One broker per process: its jobs call this container, and what the sweeper re-enqueues goes out through it.
broker = container.broker()


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def start_container(state: TaskiqState) -> None:
    configure_logging(settings.log_level)  # after taskiq's own logging set-up in this worker process
    await open_resources(container)
    if isinstance(broker, ReliableStreamBroker):
        intervals = {
            SWEEP: settings.sweep_interval_seconds,
            RECONCILE: settings.order_reconcile_interval_seconds,
            DISPATCH_WEBHOOKS: settings.webhook_dispatch_interval_seconds,
            RETENTION: RETENTION_INTERVAL_SECONDS,
        }
        state.scheduler = asyncio.create_task(run_on_schedule(broker, intervals), name="pixelmill-schedule")
    if settings.worker_metrics_port:
        state.metrics_server = serve_metrics(settings.worker_metrics_host, settings.worker_metrics_port)
        state.queue_counter = asyncio.create_task(count_queue_forever(container), name="pixelmill-queue-depth")


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def stop_container(state: TaskiqState) -> None:
    for name in ("scheduler", "queue_counter"):
        loop = getattr(state, name, None)
        if loop is not None:
            loop.cancel()
            with suppress(asyncio.CancelledError):
                await loop
    served = getattr(state, "metrics_server", None)
    if served is not None:
        served[0].shutdown()
    await close_resources(container)
