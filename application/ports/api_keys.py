"""Where API keys are kept: by owner for listing, by hash for authenticating."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.api_keys import ApiKey
from domain.values import Page


class ApiKeyRepository(Protocol):
    async def add_within_limit(self, key: ApiKey, limit: int) -> bool:
        """Insert the key unless its owner already has `limit` live keys (settled by the store); False if refused."""
        ...

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[ApiKey]:
        """The owner's live keys, newest first; raises ValidationFailed on a bad cursor."""
        ...

    async def by_hash(self, key_hash: str) -> ApiKey | None:
        """The live key with that hash, or None (revoked keys are never found)."""
        ...

    async def revoke(self, key_id: UUID, user_id: UUID, now: datetime) -> bool:
        """Revoke the owner's live key; False when there is no such live key of theirs."""
        ...

    async def touch(self, key_id: UUID, now: datetime, not_since: datetime) -> None:
        """Set last_used_at to now unless it is already after not_since (one write per interval)."""
        ...
