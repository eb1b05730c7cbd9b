"""Sweep: re-enqueue tasks left queued too long and tasks whose lease ran out (their worker died)."""

from __future__ import annotations

import logging
from datetime import timedelta

from application.ports.clock import Clock
from application.ports.task_queue import TaskQueue
from application.use_cases.common import UowFactory
from domain.errors import DependencyUnavailable

log = logging.getLogger(__name__)


class Sweep:
    def __init__(self, uow: UowFactory, queue: TaskQueue, clock: Clock, queued_after: timedelta, batch: int = 500) -> None:
        self.uow = uow
        self.queue = queue
        self.clock = clock
        self.queued_after = queued_after
        self.batch = batch

    async def __call__(self) -> int:
        """How many tasks were re-enqueued; a broker outage stops the sweep quietly until next time."""
        now = self.clock.now()
        async with self.uow() as uow:
            stale = await uow.tasks.stale(now - self.queued_after, now, self.batch)
            await uow.tasks.touch(stale, now)  # each stale task is re-sent once per threshold, not every sweep
            await uow.commit()
        sent = 0
        for task_id in stale:
            try:
                await self.queue.enqueue(task_id)
            except DependencyUnavailable:
                log.warning("queue unavailable; %d stale tasks wait for the next sweep", len(stale) - sent)
                break
            sent += 1
        return sent
