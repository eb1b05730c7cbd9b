"""GetTask, ListTasks and TaskEvents: what a user reads of their tasks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from uuid import UUID

from application.use_cases.common import UowFactory
from domain.errors import TaskNotFound
from domain.tasks import Status, Task
from domain.values import Page


class GetTask:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, owner_id: UUID, task_id: UUID) -> Task:
        """Raises TaskNotFound, also for another user's task."""
        async with self.uow() as uow:
            task = await uow.tasks.get(task_id, owner_id)
        if task is None:
            raise TaskNotFound()
        return task


class ListTasks:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, owner_id: UUID, status: Status | None, limit: int, cursor: str | None) -> Page[Task]:
        """Newest first; raises ValidationFailed on a bad cursor."""
        async with self.uow() as uow:
            return await uow.tasks.list(owner_id, status, limit, cursor)


class TaskEvents:
    """The task's state now, then each change, until it is completed or failed (or deleted)."""

    def __init__(
        self, uow: UowFactory, poll_seconds: float = 0.25, max_seconds: float = 900.0, first_poll_seconds: float = 0.02
    ) -> None:
        self.uow = uow
        self.poll_seconds = poll_seconds
        self.max_seconds = max_seconds
        # The first look comes soon and the gaps double up to poll_seconds: most tasks finish within a few tens
        # of milliseconds, and a fixed gap made every one of them take at least that gap to be seen.
        self.first_poll_seconds = min(first_poll_seconds, poll_seconds)

    async def __call__(self, owner_id: UUID, task_id: UUID) -> AsyncIterator[Task]:
        """Raises TaskNotFound before the first item when the task is not the user's."""
        first = await GetTask(self.uow)(owner_id, task_id)
        return self._follow(owner_id, first)

    async def _follow(self, owner_id: UUID, task: Task) -> AsyncIterator[Task]:
        yield task
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_seconds
        seen = _version(task)
        gap = self.first_poll_seconds
        while not task.status.terminal and loop.time() < deadline:
            await asyncio.sleep(gap)  # polling works on every backend; the stream is per viewer
            gap = min(gap * 2, self.poll_seconds)
            async with self.uow() as uow:
                current = await uow.tasks.get(task.id, owner_id)
            if current is None:
                return
            task = current
            if _version(task) != seen:
                seen = _version(task)
                yield task


def _version(task: Task) -> tuple[str, int, object]:
    return (task.status, task.attempts, task.updated_at)


class QueueDepth:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self) -> int:
        """Tasks waiting for or held by a worker."""
        async with self.uow() as uow:
            counts = await uow.tasks.count_by_status()
        return counts.get(Status.QUEUED, 0) + counts.get(Status.PROCESSING, 0)
