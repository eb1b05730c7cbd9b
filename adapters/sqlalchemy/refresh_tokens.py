"""SQL refresh tokens: a rotation is one conditional update, so a token is used once."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import one, write
from adapters.sqlalchemy.mappers import row_of, to_refresh_token
from adapters.sqlalchemy.tables import refresh_tokens
from domain.sessions import RefreshToken

class SqlRefreshTokenRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, token: RefreshToken) -> None:
        await write(self.session, insert(refresh_tokens).values(row_of(token)))

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        row = await one(self.session, select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash))
        return to_refresh_token(row) if row else None

    async def rotate(self, old_id: UUID, new: RefreshToken, now: datetime) -> bool:
        unused = and_(refresh_tokens.c.replaced_by.is_(None), refresh_tokens.c.revoked_at.is_(None))
        statement = (
            update(refresh_tokens)
            .where(refresh_tokens.c.id == old_id, unused)
            .values(replaced_by=new.id)
            .returning(refresh_tokens.c.id)
        )
        if (await self.session.execute(statement)).scalar_one_or_none() is None:
            return False
        await self.add(new)
        return True

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        await self.session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_user(self, user_id: UUID, now: datetime, keep_family: UUID | None = None) -> None:
        statement = update(refresh_tokens).where(
            refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)
        )
        if keep_family is not None:
            statement = statement.where(refresh_tokens.c.family_id != keep_family)
        await self.session.execute(statement.values(revoked_at=now))
