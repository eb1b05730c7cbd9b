"""ListShareLinks: a task's live share links, for its owner."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from domain.errors import TaskNotFound
from domain.share_links import ShareLink


class ListShareLinks:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def __call__(self, owner_id: UUID, task_id: UUID) -> list[ShareLink]:
        """Neither revoked nor expired, newest first (at most MAX_LIVE_PER_TASK); raises TaskNotFound."""
        async with self.uow() as uow:
            if await uow.tasks.get(task_id, owner_id) is None:
                raise TaskNotFound()
            return await uow.share_links.live(task_id, owner_id, self.clock.now())
