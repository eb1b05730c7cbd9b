"""Run an app's lifespan in a task of its own: pytest fixtures set up and tear down in different tasks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar


@asynccontextmanager
async def app_running(app: Litestar) -> AsyncIterator[None]:
    started, stop = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    holder = asyncio.create_task(hold())
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({holder, waiting}, return_when=asyncio.FIRST_COMPLETED)
    if holder.done():
        waiting.cancel()
        holder.result()  # startup failed: raise its error
    try:
        yield
    finally:
        stop.set()
        await holder
