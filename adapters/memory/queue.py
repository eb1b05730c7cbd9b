"""A queue that remembers what was enqueued; it can be told to be down."""

from __future__ import annotations

from uuid import UUID

from domain.errors import DependencyUnavailable


class MemoryTaskQueue:
    def __init__(self) -> None:
        self.enqueued: list[UUID] = []
        self.down = False

    async def enqueue(self, task_id: UUID) -> None:
        if self.down:
            raise DependencyUnavailable("the task queue is unavailable")
        self.enqueued.append(task_id)

    async def ping(self) -> None:
        if self.down:
            raise DependencyUnavailable("the task queue is unavailable")

    def drain(self) -> list[UUID]:
        """Hand over what was enqueued so far, as a worker would receive it."""
        taken, self.enqueued = self.enqueued, []
        return taken
