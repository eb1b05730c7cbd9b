"""In-memory share links; the unit of work's lock serialises them as SQLite serialises writers."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.share_links import ShareLink

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState


class MemoryShareLinkRepository:
    def __init__(self, state: MemoryState) -> None:
        self.state = state

    def _live(self, task_id: UUID, now: datetime) -> list[ShareLink]:
        return [link for link in self.state.share_links.values() if link.task_id == task_id and link.is_live(now)]

    async def add_within_limit(self, link: ShareLink, limit: int, now: datetime) -> bool:
        if len(self._live(link.task_id, now)) >= limit:
            return False
        self.state.share_links[link.id] = dataclasses.replace(link)
        return True

    async def get(self, link_id: str) -> ShareLink | None:
        link = self.state.share_links.get(link_id)
        return dataclasses.replace(link) if link else None

    async def live(self, task_id: UUID, owner_id: UUID, now: datetime) -> list[ShareLink]:
        links = [link for link in self._live(task_id, now) if link.owner_id == owner_id]
        return [dataclasses.replace(link) for link in sorted(links, key=lambda l: (l.created_at, l.id), reverse=True)]

    async def revoke(self, link_id: str, task_id: UUID, owner_id: UUID, now: datetime) -> bool:
        link = self.state.share_links.get(link_id)
        if link is None or link.task_id != task_id or link.owner_id != owner_id or not link.is_live(now):
            return False
        link.revoked_at = now
        return True
