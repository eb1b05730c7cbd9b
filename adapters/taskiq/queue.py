"""The TaskQueue port on a Taskiq broker: enqueue sends the task id to the processing job."""

from __future__ import annotations

from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AsyncBroker
from taskiq.kicker import AsyncKicker

from domain.errors import DependencyUnavailable

PROCESS_TASK = "pixelmill.process_task"


class TaskiqTaskQueue:
    def __init__(self, broker: AsyncBroker, task_name: str = PROCESS_TASK) -> None:
        self.broker = broker
        self.kicker: AsyncKicker[[str], None] = AsyncKicker(task_name=task_name, broker=broker, labels={})

    async def enqueue(self, task_id: UUID) -> None:
        try:
            await self.kicker.kiq(str(task_id))
        except (OSError, RedisError) as exc:
            raise DependencyUnavailable("the task queue is unavailable") from exc

    async def ping(self) -> None:
        pool = getattr(self.broker, "connection_pool", None)
        if pool is None:
            return  # the in-process broker is up whenever this process is
        try:
            async with Redis(connection_pool=pool) as redis:
                await redis.ping()
        except (OSError, RedisError) as exc:
            raise DependencyUnavailable("the task queue is unavailable") from exc
