"""Finding users, promoting one to admin, and disabling or enabling an account."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from application.ports.account_cache import AccountCache
from application.ports.clock import Clock, IdGenerator
from application.use_cases.admin.audit import checked_reason, entry
from application.use_cases.common import UowFactory
from domain.audit import CLI_ACTOR, AuditAction
from domain.errors import FieldError, UserNotFound, ValidationFailed
from domain.text import check_text
from domain.users import User, normalise_email
from domain.values import Page

SEARCH_MAX = 254


class FindUsers:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, email: str, limit: int, cursor: str | None) -> Page[User]:
        """Users whose address contains the text (all when empty), newest first; raises ValidationFailed."""
        text = check_text("email", email.strip().lower())
        if len(text) > SEARCH_MAX:
            raise ValidationFailed(FieldError("email", f"must have at most {SEARCH_MAX} characters"))
        async with self.uow() as uow:
            return await uow.users.search(text, limit, cursor)


class GetUser:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID) -> User:
        """Raises UserNotFound."""
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise UserNotFound()
        return user


class UserEmails:
    MAX_IDS = 200  # two names per audit entry on the largest page the API serves

    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_ids: set[UUID]) -> dict[UUID, str]:
        """The address of each user that exists, read in one unit of work; raises ValidationFailed past MAX_IDS."""
        if len(user_ids) > self.MAX_IDS:
            raise ValidationFailed(FieldError("ids", f"at most {self.MAX_IDS} users at once"))
        emails = {}
        async with self.uow() as uow:
            for user_id in user_ids:
                if (user := await uow.users.get(user_id)) is not None:
                    emails[user_id] = user.email
        return emails


class PromoteUser:
    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids

    async def __call__(self, email: str, reason: str = "promoted from the command line") -> User:
        """Make the user an admin (from the command line only); raises UserNotFound."""
        address = normalise_email(email)
        async with self.uow() as uow:
            user = await uow.users.get_by_email(address)
            if user is None:
                raise UserNotFound(f"no user with email {address}")
            promoted = dataclasses.replace(user, is_admin=True)
            await uow.users.update(promoted)
            await uow.audit.add(entry(self.ids, self.clock, CLI_ACTOR, AuditAction.PROMOTE, user.id, reason))
            await uow.commit()
        return promoted


class SetAccountDisabled:
    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator, accounts: AccountCache) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids
        self.accounts = accounts

    async def __call__(self, actor: UUID, user_id: UUID, disabled: bool, reason: str) -> None:
        """Disable (every token and key refused at once) or enable an account; raises UserNotFound, ValidationFailed."""
        why = checked_reason(reason)
        if actor == user_id and disabled:
            raise ValidationFailed(FieldError("id", "an admin cannot disable their own account"))
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
            if user is None or user.deleted_at is not None:
                raise UserNotFound()
            disabled_at = (user.disabled_at or self.clock.now()) if disabled else None
            await uow.users.update(dataclasses.replace(user, disabled_at=disabled_at))
            action = AuditAction.DISABLE if disabled else AuditAction.ENABLE
            await uow.audit.add(entry(self.ids, self.clock, str(actor), action, user.id, why))
            await uow.commit()
        await self.accounts.changed(user.id)  # every process's cached copy, now that the change is durable
