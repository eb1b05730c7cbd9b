"""The signed tokens that mailed links carry, and the links themselves.

A reset token is bound to a fingerprint of the password hash, so that it stops working once any password is set:
single use without a table. A verification token is bound to the address it was sent to.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from urllib.parse import quote
from uuid import UUID

from application.ports.clock import IdGenerator
from application.ports.security import TokenIssuer
from domain.errors import InvalidToken, LinkTokenInvalid
from domain.tokens import CHANGE_EMAIL, PASSWORD_RESET, VERIFY_EMAIL, Claims
from domain.users import User

RESET_PATH = "/reset-password"
VERIFY_PATH = "/verify-email"


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


class AccountLinks:
    def __init__(
        self, tokens: TokenIssuer, ids: IdGenerator, public_url: str, reset_ttl: timedelta, verify_ttl: timedelta
    ) -> None:
        self.tokens = tokens
        self.ids = ids
        self.public_url = public_url.rstrip("/")
        self.reset_ttl = reset_ttl
        self.verify_ttl = verify_ttl

    def reset_link(self, user: User, now: datetime) -> str:
        fingerprint = password_fingerprint(user.password_hash)
        claims = Claims(PASSWORD_RESET, str(user.id), str(self.ids.new()), now, now + self.reset_ttl, data=fingerprint)
        return self._link(RESET_PATH, self.tokens.issue(claims))

    def verify_link(self, user: User, address: str, now: datetime) -> str:
        """A link that verifies the user's address, or (when it differs) moves the account to the new one."""
        kind, data = (VERIFY_EMAIL, address) if address == user.email else (CHANGE_EMAIL, f"{user.email} {address}")
        claims = Claims(kind, str(user.id), str(self.ids.new()), now, now + self.verify_ttl, data=data)
        return self._link(VERIFY_PATH, self.tokens.issue(claims))

    def read_reset(self, token: str, now: datetime) -> tuple[UUID, str]:
        """(user id, password fingerprint); raises LinkTokenInvalid."""
        claims = self._read(token, (PASSWORD_RESET,), now)
        return _user_id(claims), claims.data or ""

    def read_verify(self, token: str, now: datetime) -> tuple[UUID, str, str]:
        """(user id, the address the account must have now, the address to verify); raises LinkTokenInvalid."""
        claims = self._read(token, (VERIFY_EMAIL, CHANGE_EMAIL), now)
        current, _, new = (claims.data or "").partition(" ")
        return _user_id(claims), current, new or current

    def _read(self, token: str, kinds: tuple[str, ...], now: datetime) -> Claims:
        for kind in kinds:
            try:
                return self.tokens.read(token, kind, now)
            except InvalidToken:
                continue
        raise LinkTokenInvalid()

    def _link(self, path: str, token: str) -> str:
        return f"{self.public_url}{path}?token={quote(token)}"


def _user_id(claims: Claims) -> UUID:
    try:
        return UUID(claims.subject)
    except ValueError:
        raise LinkTokenInvalid() from None
