"""GrantCredits: an operator gives a user credits from the command line: an admin_grant ledger row and an audit entry."""

from __future__ import annotations

from application.ports.clock import Clock, IdGenerator
from application.use_cases.common import UowFactory
from domain.audit import CLI_ACTOR, AuditAction, AuditEntry
from domain.credits import LedgerEntry, Reason
from domain.errors import FieldError, UserNotFound, ValidationFailed
from domain.users import normalise_email


class GrantCredits:
    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids

    async def __call__(self, email: str, amount: int, reason: str = "granted from the command line") -> LedgerEntry:
        """Raises ValidationFailed for a bad email or an amount below 1, UserNotFound for an unknown email."""
        if amount < 1:
            raise ValidationFailed(FieldError("amount", "must be at least 1"))
        email = normalise_email(email)
        async with self.uow() as uow:
            user = await uow.users.get_by_email(email)
            if user is None:
                raise UserNotFound(f"no user with email {email}")
            now = self.clock.now()
            entry = await uow.credits.grant(user.id, amount, Reason.ADMIN_GRANT, self.ids.new(), now)
            audit = AuditEntry(self.ids.new(), CLI_ACTOR, AuditAction.GRANT_CREDITS, str(user.id), f"+{amount}: {reason}", now)
            await uow.audit.add(audit)
            await uow.commit()
        return entry
