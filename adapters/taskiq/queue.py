"""The TaskQueue port on a Taskiq broker: enqueue sends the task id to the processing job."""

from __future__ import annotations

from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError
from taskiq import AsyncBroker
from taskiq.exceptions import SendTaskError
from taskiq.kicker import AsyncKicker

from adapters.taskiq.log_context import REQUEST_ID, current_request_id
from domain.errors import DependencyUnavailable

PROCESS_TASK = "pixelmill.process_task"
DELIVER_WEBHOOK = "pixelmill.deliver_webhook"


class TaskiqTaskQueue:
    def __init__(self, broker: AsyncBroker, task_name: str = PROCESS_TASK) -> None:
        self.broker = broker
        self.task_name = task_name

    async def enqueue(self, task_id: UUID) -> None:
        try:
            # A kicker per message: AsyncKicker.with_labels mutates, and labels must not leak between requests.
            request_id = current_request_id()
            labels = {REQUEST_ID: request_id} if request_id else {}
            kicker: AsyncKicker[[str], None] = AsyncKicker(task_name=self.task_name, broker=self.broker, labels=labels)
            await kicker.kiq(str(task_id))
        except (SendTaskError, OSError, RedisError) as exc:  # kiq wraps the broker's own error in SendTaskError
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
