"""ShareResult: a signed, expiring link to a completed task's result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.security import TokenIssuer
from application.use_cases.common import UowFactory
from application.use_cases.read_tasks import GetTask
from application.use_cases.task_files.stream import result_of
from domain.tokens import SHARE, Claims


@dataclass(frozen=True)
class SharedLink:
    token: str
    expires_at: datetime


class ShareResult:
    def __init__(self, uow: UowFactory, tokens: TokenIssuer, clock: Clock, ids: IdGenerator, ttl: timedelta) -> None:
        self.get_task = GetTask(uow)
        self.tokens = tokens
        self.clock = clock
        self.ids = ids
        self.ttl = ttl

    async def __call__(self, owner_id: UUID, task_id: UUID) -> SharedLink:
        """A signed, expiring link; raises ResultNotReady unless completed."""
        task = await self.get_task(owner_id, task_id)
        result_of(task)
        now = self.clock.now()
        expires = now + self.ttl
        token = self.tokens.issue(Claims(SHARE, str(task.id), str(self.ids.new()), now, expires))
        return SharedLink(token, expires)
