"""CheckReadiness: whether the database, the task queue and the blob storage answer, each within a time limit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.ports.task_queue import TaskQueue
from application.use_cases.common import UowFactory

CHECK_TIMEOUT_SECONDS = 3.0


class CheckReadiness:
    def __init__(
        self, uow: UowFactory, queue: TaskQueue, storage: BlobStorage, timeout_seconds: float = CHECK_TIMEOUT_SECONDS
    ) -> None:
        self.uow = uow
        self.queue = queue
        self.storage = storage
        self.timeout_seconds = timeout_seconds

    async def __call__(self) -> dict[str, str]:
        """`ok`, `timed out` or `failed: <kind>` for database, queue and storage, asked at once; never raises."""
        checks: dict[str, Callable[[], Awaitable[None]]] = {
            "database": self._database,
            "queue": self.queue.ping,
            "storage": self.storage.ping,
        }
        results = await asyncio.gather(*(self._run(check) for check in checks.values()))
        return dict(zip(checks, results, strict=True))

    async def _database(self) -> None:
        async with self.uow() as uow:
            await uow.credits.balance(UUID(int=0))

    async def _run(self, check: Callable[[], Awaitable[None]]) -> str:
        try:
            await asyncio.wait_for(check(), self.timeout_seconds)
        except TimeoutError:
            return "timed out"
        except Exception as exc:  # a readiness probe reports every failure, whatever its kind
            return f"failed: {type(exc).__name__}"
        return "ok"
