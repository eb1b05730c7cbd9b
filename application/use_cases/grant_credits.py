"""GrantCredits: an operator gives a user credits, recorded as an admin_grant ledger row."""

from __future__ import annotations

from application.ports.clock import Clock, IdGenerator
from application.use_cases.common import UowFactory
from domain.credits import LedgerEntry, Reason
from domain.errors import FieldError, UserNotFound, ValidationFailed
from domain.users import normalise_email


class GrantCredits:
    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids

    async def __call__(self, email: str, amount: int) -> LedgerEntry:
        """Raises ValidationFailed for a bad email or an amount below 1, UserNotFound for an unknown email."""
        if amount < 1:
            raise ValidationFailed(FieldError("amount", "must be at least 1"))
        email = normalise_email(email)
        async with self.uow() as uow:
            user = await uow.users.get_by_email(email)
            if user is None:
                raise UserNotFound(f"no user with email {email}")
            entry = await uow.credits.grant(user.id, amount, Reason.ADMIN_GRANT, self.ids.new(), self.clock.now())
            await uow.commit()
        return entry
