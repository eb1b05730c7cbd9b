"""Account use cases on the fakes: mail requests go to a memory queue, a 'worker' turns them into sent mail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from adapters.memory.account_cache import UncachedAccounts
from adapters.memory.mail import MemoryMailer, MemoryMailQueue
from application.use_cases.accounts.change_credentials import ChangeEmail, ChangePassword
from application.use_cases.accounts.ensure_active import EnsureActive
from application.use_cases.accounts.links import AccountLinks
from application.use_cases.accounts.password_reset import ConfirmPasswordReset, RequestPasswordReset
from application.use_cases.accounts.send_account_mail import SendAccountMail
from application.use_cases.accounts.verify_email import ResendVerification, VerifyEmail
from application.use_cases.sign_up import SignUp, SignUpCommand
from domain.mail import MailMessage
from domain.users import User
from tests.unit.conftest import PASSWORD, SIGNUP_CREDITS, Bootstrap

PUBLIC_URL = "https://pixelmill.example.com"
RESET_TTL = timedelta(minutes=30)
VERIFY_TTL = timedelta(hours=24)


@dataclass
class AccountsApp(Bootstrap):
    mail_queue: MemoryMailQueue = field(default_factory=MemoryMailQueue)
    mailer: MemoryMailer = field(default_factory=MemoryMailer)
    bonus_requires_verification: bool = False

    def __post_init__(self) -> None:
        super().__post_init__()
        uow = self.uow
        self.links = AccountLinks(self.tokens, self.ids, PUBLIC_URL, RESET_TTL, VERIFY_TTL)
        self.sign_up = SignUp(
            uow,
            self.hasher,
            self.clock,
            self.ids,
            SIGNUP_CREDITS,
            mail=self.mail_queue,
            bonus_requires_verification=self.bonus_requires_verification,
        )
        self.send_account_mail = SendAccountMail(uow, self.links, self.mailer, self.clock, attempts=3, backoff=0)
        self.request_reset = RequestPasswordReset(self.mail_queue)
        self.confirm_reset = ConfirmPasswordReset(uow, self.links, self.hasher, self.clock)
        bonus = SIGNUP_CREDITS if self.bonus_requires_verification else 0
        self.verify_email = VerifyEmail(uow, self.links, self.clock, self.ids, bonus)
        self.resend_verification = ResendVerification(uow, self.mail_queue)
        self.change_password = ChangePassword(uow, self.hasher, self.clock)
        self.change_email = ChangeEmail(uow, self.hasher, self.mail_queue)
        self.account_cache = UncachedAccounts()
        self.ensure_active = EnsureActive(uow, self.account_cache)
        self._signed_up = 0

    async def member(self, email: str | None = None) -> User:
        """Signed up through SignUp (its verification mail is queued, not yet sent)."""
        self._signed_up += 1
        return await self.sign_up(SignUpCommand(email or f"member{self._signed_up}@example.com", PASSWORD))

    async def work_mail(self) -> list[MailMessage]:
        """Run every queued mail request as a worker would; the mails sent by this run."""
        before = len(self.mailer.sent)
        for request in self.mail_queue.drain():
            await self.send_account_mail(request)
        return self.mailer.sent[before:]


def token_of(message: MailMessage) -> str:
    return parse_qs(urlsplit(message.link).query)["token"][0]


@pytest.fixture
def accounts() -> AccountsApp:
    return AccountsApp()


@pytest.fixture
def verifying() -> AccountsApp:
    """Sign-up bonus at verification, as in production."""
    return AccountsApp(bonus_requires_verification=True)
