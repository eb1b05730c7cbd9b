"""Claims carried by signed tokens (access, refresh, mailed links)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ACCESS = "access"
REFRESH = "refresh"
PASSWORD_RESET = "password_reset"
VERIFY_EMAIL = "verify_email"
CHANGE_EMAIL = "change_email"


@dataclass(frozen=True)
class Claims:
    kind: str
    subject: str
    token_id: str
    issued_at: datetime
    expires_at: datetime
    family: str | None = None
    data: str | None = None  # what a mailed link binds to (an address, a password fingerprint)
