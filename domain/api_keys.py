"""API keys: long random secrets a script sends as a bearer token, limited to scopes, revocable at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.errors import FieldError, ValidationFailed

KEY_PREFIX = "pxm_"
SHOWN_PREFIX_CHARS = 12  # "pxm_" and 8 random characters: enough to tell keys apart in a list
NAME_MAX = 100
MAX_LIVE_KEYS = 20
# last_used_at is a hint for the user, not an audit log: one write a minute per key at most.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class Scope(StrEnum):
    TASKS_READ = "tasks:read"
    TASKS_WRITE = "tasks:write"
    CREDITS_READ = "credits:read"
    BILLING_READ = "billing:read"
    BILLING_WRITE = "billing:write"


ALL_SCOPES = frozenset(Scope)


@dataclass
class ApiKey:
    id: UUID
    user_id: UUID
    name: str
    prefix: str
    key_hash: str
    scopes: tuple[Scope, ...]
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    def needs_touch(self, now: datetime) -> bool:
        return self.last_used_at is None or now - self.last_used_at >= LAST_USED_RESOLUTION


@dataclass(frozen=True)
class Principal:
    """Who a bearer credential speaks for: a user, with every scope (a login) or a key's scopes."""

    user_id: UUID
    scopes: frozenset[Scope] = ALL_SCOPES
    api_key_id: UUID | None = None

    @property
    def is_api_key(self) -> bool:
        return self.api_key_id is not None

    def allows(self, scope: Scope) -> bool:
        return scope in self.scopes


def looks_like_key(token: str) -> bool:
    return token.startswith(KEY_PREFIX)


def check_key_name(raw: str) -> str:
    name = raw.strip()
    if not 1 <= len(name) <= NAME_MAX or not name.isprintable():
        raise ValidationFailed(FieldError("name", f"must be 1 to {NAME_MAX} printable characters"))
    return name


def parse_scopes(raw: list[str] | None) -> tuple[Scope, ...]:
    """Every scope when none are named; raises ValidationFailed for an unknown or empty list."""
    if raw is None:
        return tuple(Scope)
    known = {scope.value for scope in Scope}
    unknown = [value for value in raw if value not in known]
    if unknown or not raw:
        allowed = ", ".join(sorted(known))
        raise ValidationFailed(FieldError("scopes", f"must be a non-empty list of: {allowed}"))
    return tuple(scope for scope in Scope if scope.value in raw)
