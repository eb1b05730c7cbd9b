"""RequestPasswordReset and ConfirmPasswordReset: a mailed, single-use, short-lived link sets a new password."""

from __future__ import annotations

from application.ports.clock import Clock
from application.ports.mailer import MailQueue
from application.ports.security import PasswordHasher
from application.use_cases.accounts.links import AccountLinks, password_fingerprint
from application.use_cases.common import UowFactory
from domain.errors import LinkTokenInvalid
from domain.mail import AccountMail, MailRequest
from domain.users import check_password, normalise_email


class RequestPasswordReset:
    def __init__(self, mail: MailQueue) -> None:
        self.mail = mail

    async def __call__(self, email: str) -> None:
        """The same work whether the address is known or not: the worker looks it up, so nothing tells them apart."""
        await self.mail.request(MailRequest(AccountMail.PASSWORD_RESET, normalise_email(email)))


class ConfirmPasswordReset:
    def __init__(self, uow: UowFactory, links: AccountLinks, hasher: PasswordHasher, clock: Clock) -> None:
        self.uow = uow
        self.links = links
        self.hasher = hasher
        self.clock = clock

    async def __call__(self, token: str, password: str) -> None:
        """Set the password and revoke every session; raises ValidationFailed, LinkTokenInvalid (also when used)."""
        check_password(password)
        user_id, fingerprint = self.links.read_reset(token, self.clock.now())
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
        if user is None or not user.active or password_fingerprint(user.password_hash) != fingerprint:
            raise LinkTokenInvalid()
        new_hash = await self.hasher.hash(password)
        async with self.uow() as uow:
            # Conditional on the old hash: of two uses of one link, one wins.
            if not await uow.users.replace_password(user.id, user.password_hash, new_hash):
                raise LinkTokenInvalid()
            await uow.refresh_tokens.revoke_user(user.id, self.clock.now())
            await uow.commit()
