"""No cache: every read loads the account. For a store no other process can invalidate (embedded, the harness)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

from domain.users import User


class UncachedAccounts:
    def __init__(self) -> None:
        self.changes: list[UUID] = []  # what the use cases announced, for tests

    async def read(self, user_id: UUID, load: Callable[[], Awaitable[User | None]]) -> User | None:
        return await load()

    async def changed(self, user_id: UUID) -> None:
        self.changes.append(user_id)
