"""SQL share links: the live-link limit is settled under a lock on the task's row, revocation by a conditional update."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables import share_links, tasks
from domain.share_links import ShareLink


def _live(now: datetime):  # type: ignore[no-untyped-def]
    return share_links.c.revoked_at.is_(None) & (share_links.c.expires_at > now)


class SqlShareLinkRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add_within_limit(self, link: ShareLink, limit: int, now: datetime) -> bool:
        # Concurrent shares of one task queue on the task's row (PostgreSQL); SQLite's BEGIN IMMEDIATE already
        # serialises every writer.
        await self.session.execute(select(tasks.c.id).where(tasks.c.id == link.task_id).with_for_update())
        live = await self.session.scalar(
            select(func.count()).where(share_links.c.task_id == link.task_id, _live(now))
        )
        if (live or 0) >= limit:
            return False
        await self.session.execute(insert(share_links).values(dataclasses.asdict(link)))
        return True

    async def get(self, link_id: str) -> ShareLink | None:
        row = (await self.session.execute(select(share_links).where(share_links.c.id == link_id))).mappings().first()
        return ShareLink(**row) if row else None

    async def live(self, task_id: UUID, owner_id: UUID, now: datetime) -> list[ShareLink]:
        query = (
            select(share_links)
            .where(share_links.c.task_id == task_id, share_links.c.owner_id == owner_id, _live(now))
            .order_by(share_links.c.created_at.desc(), share_links.c.id.desc())
        )
        return [ShareLink(**row) for row in (await self.session.execute(query)).mappings()]

    async def revoke(self, link_id: str, task_id: UUID, owner_id: UUID, now: datetime) -> bool:
        statement = (
            update(share_links)
            .where(
                share_links.c.id == link_id,
                share_links.c.task_id == task_id,
                share_links.c.owner_id == owner_id,
                _live(now),
            )
            .values(revoked_at=now)
            .returning(share_links.c.id)
        )
        return (await self.session.execute(statement)).first() is not None
