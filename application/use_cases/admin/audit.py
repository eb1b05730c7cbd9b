"""Audit entries, and reading the log."""

from __future__ import annotations

from application.ports.clock import Clock, IdGenerator
from application.use_cases.common import UowFactory
from domain.audit import AuditAction, AuditEntry
from domain.errors import FieldError, ValidationFailed
from domain.text import check_text
from domain.values import Page

REASON_MAX = 500


def checked_reason(reason: str) -> str:
    """Trimmed; raises ValidationFailed when blank, longer than 500 characters or not storable."""
    trimmed = reason.strip()
    if not 1 <= len(trimmed) <= REASON_MAX:
        raise ValidationFailed(FieldError("reason", f"must have 1 to {REASON_MAX} characters"))
    check_text("reason", trimmed)
    return trimmed


def entry(ids: IdGenerator, clock: Clock, actor: str, action: AuditAction, subject: object, reason: str) -> AuditEntry:
    return AuditEntry(ids.new(), actor, action, str(subject), reason, clock.now())


class ListAudit:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, limit: int, cursor: str | None) -> Page[AuditEntry]:
        """Newest first; raises ValidationFailed on a bad cursor."""
        async with self.uow() as uow:
            return await uow.audit.list(limit, cursor)
