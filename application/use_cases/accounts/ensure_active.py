"""EnsureActive: every authenticated request checks the account, so a disabled one is refused on every process at once."""

from __future__ import annotations

from uuid import UUID

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
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID) -> User:
        """Raises InvalidToken or AccountDisabled."""
        async with self.uow() as uow:
            return refuse_inactive(await uow.users.get(user_id))
