"""Authenticate: the user id of a valid access token."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock
from application.ports.security import TokenIssuer
from domain.errors import InvalidToken
from domain.tokens import ACCESS


class Authenticate:
    def __init__(self, tokens: TokenIssuer, clock: Clock) -> None:
        self.tokens = tokens
        self.clock = clock

    def __call__(self, access_token: str) -> UUID:
        """Raises InvalidToken for anything but an unexpired access token signed with our key."""
        claims = self.tokens.read(access_token, ACCESS, self.clock.now())
        try:
            return UUID(claims.subject)
        except ValueError as exc:
            raise InvalidToken("the token is invalid") from exc
