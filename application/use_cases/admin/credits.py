"""AdjustCredits: an operator grants or takes credits, with a reason, as admin_grant or admin_debit ledger rows."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.use_cases.admin.audit import checked_reason, entry
from application.use_cases.common import UowFactory
from domain.audit import AuditAction
from domain.credits import LedgerEntry, Reason
from domain.errors import FieldError, InsufficientCredits, UserNotFound, ValidationFailed

DELTA_MAX = 1_000_000


class AdjustCredits:
    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids

    async def __call__(self, actor: str, user_id: UUID, delta: int, reason: str) -> LedgerEntry:
        """Raises ValidationFailed (zero, too large, or below a zero balance), UserNotFound."""
        why = checked_reason(reason)
        if delta == 0 or abs(delta) > DELTA_MAX:
            raise ValidationFailed(FieldError("delta", f"must be a non-zero number of credits up to {DELTA_MAX}"))
        kind, action = (
            (Reason.ADMIN_GRANT, AuditAction.GRANT_CREDITS) if delta > 0 else (Reason.ADMIN_DEBIT, AuditAction.DEBIT_CREDITS)
        )
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
            if user is None or user.deleted_at is not None:
                raise UserNotFound()
            try:
                moved = await uow.credits.grant(user.id, delta, kind, self.ids.new(), self.clock.now())
            except InsufficientCredits:
                raise ValidationFailed(FieldError("delta", "would take the balance below zero")) from None
            await uow.audit.add(entry(self.ids, self.clock, actor, action, user.id, f"{delta:+d}: {why}"))
            await uow.commit()
        return moved
