"""The broker `taskiq worker entrypoints.worker.main:broker` runs: it builds the container at worker start-up."""

from __future__ import annotations

from dependency_injector import providers
from taskiq import TaskiqEvents, TaskiqState

from entrypoints.container import build_container
from entrypoints.settings import load_settings, with_jwt_secret
from entrypoints.worker.broker import make_broker

settings = load_settings()
broker = make_broker(settings)


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def start_container(state: TaskiqState) -> None:
    container = build_container(with_jwt_secret(settings))
    # One broker per process: what the sweeper re-enqueues goes out through this one.
    container.broker.override(providers.Object(broker))
    state.container = container


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def stop_container(state: TaskiqState) -> None:
    container = getattr(state, "container", None)
    if container is not None:
        await container.engine().dispose()
