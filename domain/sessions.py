"""Refresh-token families: rotation, and revocation of the whole family on reuse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


@dataclass
class RefreshToken:
    id: UUID
    user_id: UUID
    family_id: UUID
    token_hash: str
    expires_at: datetime
    created_at: datetime
    replaced_by: UUID | None = None
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.replaced_by is None and self.revoked_at is None and now < self.expires_at
