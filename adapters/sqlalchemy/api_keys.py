"""SQL API keys: the live-key limit is settled under a lock on the owner's row, last use by a conditional update."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import RowMapping, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import page
from adapters.sqlalchemy.tables import api_keys, users
from domain.api_keys import ApiKey, Scope
from domain.values import Page


def _row(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "user_id": key.user_id,
        "name": key.name,
        "prefix": key.prefix,
        "key_hash": key.key_hash,
        "scopes": [scope.value for scope in key.scopes],
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


def _key(row: RowMapping) -> ApiKey:
    return ApiKey(**{**row, "scopes": tuple(Scope(value) for value in row["scopes"])})


class SqlApiKeyRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add_within_limit(self, key: ApiKey, limit: int) -> bool:
        # Concurrent creations for one owner queue on the owner's row (PostgreSQL); SQLite's BEGIN IMMEDIATE
        # already serialises every writer.
        await self.session.execute(select(users.c.id).where(users.c.id == key.user_id).with_for_update())
        live = await self.session.scalar(
            select(func.count()).where(api_keys.c.user_id == key.user_id, api_keys.c.revoked_at.is_(None))
        )
        if (live or 0) >= limit:
            return False
        await self.session.execute(insert(api_keys).values(_row(key)))
        return True

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[ApiKey]:
        query = select(api_keys).where(api_keys.c.user_id == user_id, api_keys.c.revoked_at.is_(None))
        return await page(self.session, api_keys, query, limit, cursor, _key)

    async def by_hash(self, key_hash: str) -> ApiKey | None:
        query = select(api_keys).where(api_keys.c.key_hash == key_hash, api_keys.c.revoked_at.is_(None))
        row = (await self.session.execute(query)).mappings().one_or_none()
        return _key(row) if row else None

    async def revoke(self, key_id: UUID, user_id: UUID, now: datetime) -> bool:
        statement = (
            update(api_keys)
            .where(api_keys.c.id == key_id, api_keys.c.user_id == user_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(api_keys.c.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def touch(self, key_id: UUID, now: datetime, not_since: datetime) -> None:
        await self.session.execute(
            update(api_keys)
            .where(
                api_keys.c.id == key_id,
                or_(api_keys.c.last_used_at.is_(None), api_keys.c.last_used_at <= not_since),
            )
            .values(last_used_at=now)
        )
