"""GetMe, GetBalance and ListLedger: what a user reads of their account."""

from __future__ import annotations

from uuid import UUID

from application.use_cases.common import UowFactory
from domain.credits import LedgerEntry
from domain.errors import InvalidToken
from domain.users import User
from domain.values import Page


class GetMe:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID) -> User:
        """Raises InvalidToken when the user no longer exists."""
        async with self.uow().single_statement() as uow:  # one read: no BEGIN and ROLLBACK around it
            user = await uow.users.get(user_id)
        if user is None:
            raise InvalidToken("the user no longer exists")
        return user


class GetBalance:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID) -> int:
        async with self.uow().single_statement() as uow:  # one read: no BEGIN and ROLLBACK around it
            return await uow.credits.balance(user_id)


class ListLedger:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID, limit: int, cursor: str | None) -> Page[LedgerEntry]:
        """Newest first; raises ValidationFailed on a bad cursor."""
        async with self.uow() as uow:
            return await uow.credits.ledger(user_id, limit, cursor)
