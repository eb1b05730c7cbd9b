"""The queue that carries task ids to workers."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class TaskQueue(Protocol):
    async def enqueue(self, task_id: UUID) -> None:
        """Deliver the id at least once; raises DependencyUnavailable when the broker is down."""
        ...

    async def ping(self) -> None:
        """Raise when the broker cannot take messages."""
        ...
