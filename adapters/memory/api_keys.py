"""In-memory API keys; the unit of work's lock serialises them as SQLite serialises writers."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from adapters.memory.state import newest_first_page
from domain.api_keys import ApiKey
from domain.values import Page

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState


class MemoryApiKeyRepository:
    def __init__(self, state: MemoryState) -> None:
        self.state = state

    def _live(self, user_id: UUID) -> list[ApiKey]:
        return [k for k in self.state.api_keys.values() if k.user_id == user_id and k.revoked_at is None]

    async def add_within_limit(self, key: ApiKey, limit: int) -> bool:
        if len(self._live(key.user_id)) >= limit:
            return False
        self.state.api_keys[key.id] = dataclasses.replace(key)
        return True

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[ApiKey]:
        page = newest_first_page(self._live(user_id), limit, cursor)
        return Page([dataclasses.replace(key) for key in page.items], page.next_cursor)

    async def by_hash(self, key_hash: str) -> ApiKey | None:
        for key in self.state.api_keys.values():
            if key.key_hash == key_hash and key.revoked_at is None:
                return dataclasses.replace(key)
        return None

    async def revoke(self, key_id: UUID, user_id: UUID, now: datetime) -> bool:
        key = self.state.api_keys.get(key_id)
        if key is None or key.user_id != user_id or key.revoked_at is not None:
            return False
        key.revoked_at = now
        return True

    async def touch(self, key_id: UUID, now: datetime, not_since: datetime) -> None:
        key = self.state.api_keys.get(key_id)
        if key is not None and (key.last_used_at is None or key.last_used_at <= not_since):
            key.last_used_at = now
