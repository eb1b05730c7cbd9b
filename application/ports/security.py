"""Password hashing and signed tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.tokens import Claims


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str:
        """A salted slow hash, computed off the event loop."""
        ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when the password matches; never raises for a mismatch."""
        ...


class TokenIssuer(Protocol):
    def issue(self, claims: Claims) -> str:
        """A signed token carrying the claims."""
        ...

    def read(self, token: str, kind: str, now: datetime) -> Claims:
        """The claims of a valid, unexpired token of that kind; raises InvalidToken."""
        ...
