"""Webhook attempts run beside the jobs, not in their slots, so a slow receiver never holds up task processing.

The job that carries a delivery id returns at once and the attempt runs as a background coroutine, at most
MAX_RUNNING per worker process. Nothing is lost by leaving a job's slot early: the delivery stays claimed in the
database only until its hold runs out, so an attempt cut off by a dying process, or one turned away here because
the process is full, is dispatched again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from uuid import UUID

log = logging.getLogger(__name__)

MAX_RUNNING = 50


class BackgroundAttempts:
    def __init__(self, limit: int = MAX_RUNNING) -> None:
        self.limit = limit
        self.running: set[asyncio.Task[object]] = set()

    def start(self, delivery_id: UUID, attempt: Callable[[UUID], Awaitable[object]]) -> bool:
        """Start the attempt unless `limit` are running; False when turned away (it is dispatched again later)."""
        if len(self.running) >= self.limit:
            log.warning("%d webhook attempts running; delivery %s waits for its next dispatch", self.limit, delivery_id)
            return False
        task = asyncio.create_task(self._run(delivery_id, attempt), name=f"pixelmill-webhook-{delivery_id}")
        self.running.add(task)
        task.add_done_callback(self.running.discard)
        return True

    async def _run(self, delivery_id: UUID, attempt: Callable[[UUID], Awaitable[object]]) -> None:
        try:
            await attempt(delivery_id)
        except Exception:
            log.exception("webhook delivery %s failed unexpectedly; it is dispatched again after its hold", delivery_id)


attempts = BackgroundAttempts()
