"""The Taskiq broker the settings choose: in-process for the embedded mode, Redis streams in production."""

from __future__ import annotations

from taskiq import AsyncBroker, InMemoryBroker

from entrypoints.settings import Settings
from entrypoints.worker.tasks import register_jobs


def make_broker(settings: Settings) -> AsyncBroker:
    if settings.embedded:
        broker: AsyncBroker = InMemoryBroker(
            max_async_tasks=settings.worker_concurrency * 4, propagate_exceptions=False
        )
    else:
        raise SystemExit(f"unsupported PIXELMILL_BROKER_URL {settings.broker_url!r}")
    register_jobs(broker)
    return broker
