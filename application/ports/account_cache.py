"""A short cache of the accounts that requests act for, emptied for an account whenever its state changes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol
from uuid import UUID

from domain.users import User


class AccountCache(Protocol):
    async def read(self, user_id: UUID, load: Callable[[], Awaitable[User | None]]) -> User | None:
        """The account as `load` reads it now, or as it read it a few seconds ago if its state has not changed since."""
        ...

    async def changed(self, user_id: UUID) -> None:
        """Called once a change of the account's state (disabled, enabled, deleted) is committed."""
        ...
