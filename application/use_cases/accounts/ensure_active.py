"""EnsureActive: every authenticated request checks the account, so a disabled one is refused on every process at once."""

from __future__ import annotations

from uuid import UUID

from application.ports.account_cache import AccountCache
from application.use_cases.common import UowFactory
from domain.errors import AccountDisabled, InvalidToken
from domain.users import User


def refuse_inactive(user: User | None) -> User:
    """The user, or InvalidToken when gone or deleted, AccountDisabled when disabled."""
    if user is None or user.deleted_at is not None:
        raise InvalidToken("the account no longer exists")
    if user.disabled_at is not None:
        raise AccountDisabled()
    return user


class EnsureActive:
    def __init__(self, uow: UowFactory, accounts: AccountCache) -> None:
        self.uow = uow
        self.accounts = accounts

    async def __call__(self, user_id: UUID) -> User:
        """Raises InvalidToken or AccountDisabled. The account may come from the short cache, whose entry a
        change of state empties in every process; the user's credits in it may be a few seconds old."""
        return refuse_inactive(await self.accounts.read(user_id, lambda: self._load(user_id)))

    async def _load(self, user_id: UUID) -> User | None:
        async with self.uow().single_statement() as uow:  # one read: no BEGIN and ROLLBACK around it
            return await uow.users.get(user_id)
