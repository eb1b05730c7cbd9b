"""Where share links are kept: by id for visitors, by task for their owner."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.share_links import ShareLink


class ShareLinkRepository(Protocol):
    async def add_within_limit(self, link: ShareLink, limit: int, now: datetime) -> bool:
        """Insert the link unless its task already has `limit` live links (settled by the store); False if refused."""
        ...

    async def get(self, link_id: str) -> ShareLink | None:
        """The link with that id, live or not, or None."""
        ...

    async def live(self, task_id: UUID, owner_id: UUID, now: datetime) -> list[ShareLink]:
        """The owner's task's links neither revoked nor expired at `now`, newest first."""
        ...

    async def revoke(self, link_id: str, task_id: UUID, owner_id: UUID, now: datetime) -> bool:
        """Revoke the owner's live link of that task; False when there is no such live link."""
        ...
