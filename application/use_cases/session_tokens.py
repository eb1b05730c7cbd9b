"""Issuing an access token and a refresh token of a login's family."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from application.ports.clock import IdGenerator
from application.ports.security import TokenIssuer
from domain.sessions import RefreshToken
from domain.tokens import ACCESS, REFRESH, Claims


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"


def hash_token(token: str) -> str:
    """Refresh tokens are stored hashed: a leaked table grants no sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


class SessionTokens:
    def __init__(self, tokens: TokenIssuer, ids: IdGenerator, access_ttl: timedelta, refresh_ttl: timedelta) -> None:
        self.tokens = tokens
        self.ids = ids
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl

    def issue(self, user_id: UUID, family_id: UUID, now: datetime) -> tuple[Tokens, RefreshToken]:
        """A new pair; the caller stores the returned RefreshToken row."""
        # The access token names its login's family, so that a password change can keep this login alone.
        access = self.tokens.issue(
            Claims(ACCESS, str(user_id), str(self.ids.new()), now, now + self.access_ttl, family=str(family_id))
        )
        refresh_id = self.ids.new()
        refresh = self.tokens.issue(
            Claims(REFRESH, str(user_id), str(refresh_id), now, now + self.refresh_ttl, family=str(family_id))
        )
        row = RefreshToken(
            id=refresh_id,
            user_id=user_id,
            family_id=family_id,
            token_hash=hash_token(refresh),
            expires_at=now + self.refresh_ttl,
            created_at=now,
        )
        return Tokens(access, refresh, int(self.access_ttl.total_seconds())), row
