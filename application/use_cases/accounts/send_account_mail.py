"""SendAccountMail: what a worker does with a MailRequest: find the user, make the link, send, retry a little."""

from __future__ import annotations

import asyncio
import logging

from application.ports.clock import Clock
from application.ports.mailer import Mailer
from application.use_cases.accounts.links import AccountLinks
from application.use_cases.accounts.mails import reset_mail, verify_mail
from application.use_cases.common import UowFactory
from domain.errors import TransientFailure
from domain.mail import AccountMail, MailMessage, MailRequest

log = logging.getLogger(__name__)


class SendAccountMail:
    def __init__(
        self, uow: UowFactory, links: AccountLinks, mailer: Mailer, clock: Clock, attempts: int = 3, backoff: float = 2.0
    ) -> None:
        self.uow = uow
        self.links = links
        self.mailer = mailer
        self.clock = clock
        self.attempts = attempts
        self.backoff = backoff

    async def __call__(self, request: MailRequest) -> bool:
        """Whether a mail went out: nothing is sent for an unknown or inactive account, or an address already verified."""
        message = await self._compose(request)
        if message is None:
            return False
        for attempt in range(1, self.attempts + 1):
            try:
                await self.mailer.send(message)
                return True
            except TransientFailure:
                if attempt == self.attempts:
                    raise
                log.warning("sending %s failed (attempt %d of %d); retrying", request.kind, attempt, self.attempts)
                await asyncio.sleep(self.backoff * attempt)
        return False

    async def _compose(self, request: MailRequest) -> MailMessage | None:
        async with self.uow() as uow:
            if request.user_id is not None:
                user = await uow.users.get(request.user_id)
            else:
                user = await uow.users.get_by_email(request.email)
        if user is None or not user.active:
            return None
        now = self.clock.now()
        if request.kind == AccountMail.PASSWORD_RESET:
            minutes = int(self.links.reset_ttl.total_seconds() // 60)
            return reset_mail(user.email, self.links.reset_link(user, now), minutes)
        if request.kind == AccountMail.VERIFY_EMAIL and (user.email_verified or request.email != user.email):
            return None
        return verify_mail(request.email, self.links.verify_link(user, request.email, now))
