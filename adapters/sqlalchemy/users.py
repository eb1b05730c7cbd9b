"""SQL users: an address is taken once (a unique index); a password changes only from the hash it replaces."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import one, page, write
from adapters.sqlalchemy.mappers import row_of, to_user
from adapters.sqlalchemy.tables import users
from domain.users import User
from domain.values import Page

# The statements of every request's hot path are built once: an execution then only binds its values, where
# building one anew coerces every value and regenerates the cache key each time.
_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id"))

# Credits move only through the ledger (SqlCreditRepository), never through a user update.
_USER_MUTABLE = ("email", "password_hash", "email_verified", "is_admin", "disabled_at", "deleted_at")


class SqlUserRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, user: User) -> None:
        await write(self.session, insert(users).values(row_of(user)))

    async def get(self, user_id: UUID) -> User | None:
        row = await one(self.session, _USER_BY_ID, {"user_id": user_id})
        return to_user(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        row = await one(self.session, select(users).where(users.c.email == email))
        return to_user(row) if row else None

    async def update(self, user: User) -> None:
        changes = {name: getattr(user, name) for name in _USER_MUTABLE}
        await write(self.session, update(users).where(users.c.id == user.id).values(changes))

    async def replace_password(self, user_id: UUID, old_hash: str, new_hash: str) -> bool:
        statement = (
            update(users)
            .where(users.c.id == user_id, users.c.password_hash == old_hash)
            .values(password_hash=new_hash)
            .returning(users.c.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def search(self, email: str, limit: int, cursor: str | None) -> Page[User]:
        query = select(users).where(users.c.email.contains(email, autoescape=True))
        return await page(self.session, users, query, limit, cursor, to_user)
