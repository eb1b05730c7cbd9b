"""SignUp: a new user with an argon2id hash and the signup bonus as a ledger row."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from application.ports.clock import Clock, IdGenerator
from application.ports.mailer import MailQueue
from application.ports.security import PasswordHasher
from application.use_cases.common import UowFactory
from domain.credits import Reason
from domain.errors import DependencyUnavailable, EmailTaken
from domain.mail import AccountMail, MailRequest
from domain.users import User, check_password, normalise_email

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignUpCommand:
    email: str
    password: str


class SignUp:
    def __init__(
        self,
        uow: UowFactory,
        hasher: PasswordHasher,
        clock: Clock,
        ids: IdGenerator,
        signup_credits: int,
        mail: MailQueue | None = None,
        bonus_requires_verification: bool = False,
    ) -> None:
        self.uow = uow
        self.hasher = hasher
        self.clock = clock
        self.ids = ids
        self.signup_credits = signup_credits
        self.mail = mail
        self.bonus_requires_verification = bonus_requires_verification

    async def __call__(self, cmd: SignUpCommand) -> User:
        """Raises ValidationFailed for a bad email or password, EmailTaken (case-insensitive)."""
        email = normalise_email(cmd.email)
        check_password(cmd.password)
        async with self.uow() as uow:
            if await uow.users.get_by_email(email):
                raise EmailTaken()  # early, to spare a costly hash
        password_hash = await self.hasher.hash(cmd.password)
        now = self.clock.now()
        user = User(id=self.ids.new(), email=email, password_hash=password_hash, credits=0, created_at=now)
        async with self.uow() as uow:
            await uow.users.add(user)  # the unique email settles a race
            if self.signup_credits > 0 and not self.bonus_requires_verification:
                entry = await uow.credits.grant(user.id, self.signup_credits, Reason.SIGNUP_BONUS, self.ids.new(), now)
                user.credits = entry.balance_after
            await uow.commit()
        await self._send_verification(user)
        return user

    async def _send_verification(self, user: User) -> None:
        if self.mail is None:
            return
        try:
            await self.mail.request(MailRequest(AccountMail.VERIFY_EMAIL, user.email, user.id))
        except DependencyUnavailable:
            # The account exists; POST /api/v1/me/verify-email sends the link again.
            log.warning("the verification mail of a new account could not be queued")
