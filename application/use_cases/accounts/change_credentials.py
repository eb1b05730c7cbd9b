"""ChangePassword (other sessions revoked) and ChangeEmail (the new address must be verified first)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock
from application.ports.mailer import MailQueue
from application.ports.security import PasswordHasher
from application.use_cases.common import UowFactory
from domain.errors import Conflict, EmailTaken, FieldError, InvalidToken, ValidationFailed
from domain.mail import AccountMail, MailRequest
from domain.users import User, check_password, normalise_email


@dataclass(frozen=True)
class ChangePasswordCommand:
    user_id: UUID
    current_password: str
    new_password: str
    keep_family: UUID | None = None  # the session making the change stays logged in


async def _checked_user(uow: UowFactory, hasher: PasswordHasher, user_id: UUID, password: str) -> User:
    async with uow() as work:
        user = await work.users.get(user_id)
    if user is None:
        raise InvalidToken("the user no longer exists")
    if not await hasher.verify(user.password_hash, password):
        raise ValidationFailed(FieldError("current_password", "is not your password"))
    return user


class ChangePassword:
    def __init__(self, uow: UowFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self.uow = uow
        self.hasher = hasher
        self.clock = clock

    async def __call__(self, cmd: ChangePasswordCommand) -> None:
        """Raises ValidationFailed for a wrong current password or a weak new one."""
        try:
            check_password(cmd.new_password)
        except ValidationFailed as exc:
            raise ValidationFailed(FieldError("new_password", exc.errors[0].message)) from None
        user = await _checked_user(self.uow, self.hasher, cmd.user_id, cmd.current_password)
        new_hash = await self.hasher.hash(cmd.new_password)
        async with self.uow() as uow:
            if not await uow.users.replace_password(user.id, user.password_hash, new_hash):
                raise Conflict("the password was changed meanwhile; try again")
            await uow.refresh_tokens.revoke_user(user.id, self.clock.now(), keep_family=cmd.keep_family)
            await uow.commit()


class ChangeEmail:
    def __init__(self, uow: UowFactory, hasher: PasswordHasher, mail: MailQueue) -> None:
        self.uow = uow
        self.hasher = hasher
        self.mail = mail

    async def __call__(self, user_id: UUID, password: str, new_email: str) -> None:
        """Mail a link to the new address; the account moves when it is followed. Raises ValidationFailed, EmailTaken."""
        address = normalise_email(new_email)
        user = await _checked_user(self.uow, self.hasher, user_id, password)
        if address == user.email:
            raise ValidationFailed(FieldError("email", "is already your address"))
        async with self.uow() as uow:
            if await uow.users.get_by_email(address) is not None:
                raise EmailTaken()
        await self.mail.request(MailRequest(AccountMail.CHANGE_EMAIL, address, user.id))
