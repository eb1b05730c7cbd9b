"""The container: the ports and every concern's use cases in one, and the one place its resources open and close."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from entrypoints.container.accounts import Accounts
from entrypoints.container.billing import Billing
from entrypoints.container.ports import Ports
from entrypoints.container.tasks import Tasks
from entrypoints.container.webhooks import Webhooks
from entrypoints.settings import Settings


class Container(Accounts, Tasks, Billing, Webhooks):
    """Every port bound to its adapter by the settings; tests override a provider (uow, storage, queue, clock ...)."""

    # Inherited, `Self` would stand for the class: named again here, it is each built container (the jobs' own).
    __self__ = Ports.__self__


def build_container(settings: Settings) -> Container:
    """The one place where ports meet adapters: every process and every test starts here."""
    return Container(settings=settings)


@asynccontextmanager
async def running(container: Container) -> AsyncIterator[Container]:
    """The container's resources opened, then closed however the block ends."""
    await open_resources(container)
    try:
        yield container
    finally:
        await close_resources(container)


async def open_resources(container: Container) -> None:
    await _awaited(container.init_resources())


async def close_resources(container: Container) -> None:
    """The one place that closes what a process opened: the engine's pool, the Redis client, the pixel processes."""
    await _awaited(container.shutdown_resources())


async def _awaited(result: object) -> None:
    if result is not None:
        await result  # type: ignore[misc]
