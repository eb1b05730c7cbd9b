"""The audit log: who did what to whom, why and when. Rows are only ever added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

CLI_ACTOR = "cli"


class AuditAction(StrEnum):
    PROMOTE = "promote"
    DISABLE = "disable"
    ENABLE = "enable"
    GRANT_CREDITS = "grant_credits"
    DEBIT_CREDITS = "debit_credits"
    REFUND_ORDER = "refund_order"


@dataclass(frozen=True)
class AuditEntry:
    id: UUID
    actor: str  # the admin's user id, or "cli"
    action: AuditAction
    subject: str  # the id of the user or order acted on
    reason: str
    created_at: datetime
