"""Users and the rules on their credentials."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.errors import FieldError, ValidationFailed
from domain.text import check_text

PASSWORD_MIN = 8
PASSWORD_MAX = 1024
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@dataclass
class User:
    id: UUID
    email: str
    password_hash: str
    credits: int
    created_at: datetime
    email_verified: bool = False
    is_admin: bool = False
    disabled_at: datetime | None = None
    deleted_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None and self.deleted_at is None


def normalise_email(raw: str) -> str:
    """Trimmed and lower-cased, so that sign-up is case-insensitive; raises ValidationFailed."""
    email = check_text("email", raw).strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValidationFailed(FieldError("email", "is not a valid email address"))
    return email


def check_password(password: str) -> None:
    """Raises ValidationFailed unless the password has 8 to 1024 characters."""
    check_text("password", password)  # a lone surrogate cannot even be encoded for hashing
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationFailed(
            FieldError("password", f"must have {PASSWORD_MIN} to {PASSWORD_MAX} characters")
        )
