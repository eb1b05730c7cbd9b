"""ShareResult: a stored, revocable share link to a completed task's result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from application.use_cases.task_files.stream import result_of
from domain.errors import TaskNotFound, TooManyShareLinks
from domain.share_links import MAX_LIVE_PER_TASK, ShareLink, lifetime, new_share_id


@dataclass(frozen=True)
class ShareRequest:
    owner_id: UUID
    task_id: UUID
    expires_in_seconds: int | None = None  # None: the configured default lifetime
    show_original: bool = False


class ShareResult:
    def __init__(self, uow: UowFactory, clock: Clock, ttl: timedelta, new_id: Callable[[], str] = new_share_id) -> None:
        self.uow = uow
        self.clock = clock
        self.ttl = ttl
        self.new_id = new_id

    async def __call__(self, request: ShareRequest) -> ShareLink:
        """Raises ValidationFailed, TaskNotFound, ResultNotReady, TooManyShareLinks (at MAX_LIVE_PER_TASK)."""
        ttl = lifetime(request.expires_in_seconds, self.ttl)
        now = self.clock.now()
        async with self.uow() as uow:
            task = await uow.tasks.get(request.task_id, request.owner_id)
            if task is None:
                raise TaskNotFound()
            result_of(task)
            link = ShareLink(self.new_id(), task.id, task.owner_id, now, now + ttl, request.show_original)
            if not await uow.share_links.add_within_limit(link, MAX_LIVE_PER_TASK, now):
                raise TooManyShareLinks()
            await uow.commit()
        return link
