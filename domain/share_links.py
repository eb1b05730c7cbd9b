"""Share links: a short random id that lets anyone see one task's result until it expires or its owner revokes it."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.errors import FieldError, ValidationFailed

ID_BYTES = 9  # 72 random bits, written as exactly 12 url-safe base64 characters (no padding)
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{12}")
MAX_LIVE_PER_TASK = 10  # live links of one task; revoking or letting one expire frees a place
MIN_LIFETIME = timedelta(minutes=1)
MAX_LIFETIME = timedelta(days=30)


def new_share_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def looks_like_share_id(raw: str) -> bool:
    """Anything else (a long string, a NUL, `../`, an old JWT link) is never looked up."""
    return ID_PATTERN.fullmatch(raw) is not None


def lifetime(seconds: int | None, default: timedelta) -> timedelta:
    """The chosen lifetime, or the default; raises ValidationFailed outside MIN_LIFETIME..MAX_LIFETIME."""
    if seconds is None:
        return min(default, MAX_LIFETIME)
    low, high = int(MIN_LIFETIME.total_seconds()), int(MAX_LIFETIME.total_seconds())
    if isinstance(seconds, bool) or not low <= seconds <= high:
        raise ValidationFailed(FieldError("expires_in_seconds", f"must be an integer from {low} to {high}"))
    return timedelta(seconds=seconds)


@dataclass
class ShareLink:
    id: str
    task_id: UUID
    owner_id: UUID
    created_at: datetime
    expires_at: datetime
    show_original: bool = False  # the owner lets visitors compare with the uploaded image
    revoked_at: datetime | None = None

    def is_live(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
