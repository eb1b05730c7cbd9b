"""VerifyEmail (a mailed link proves an address) and ResendVerification."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.mailer import MailQueue
from application.use_cases.accounts.links import AccountLinks
from application.use_cases.common import UowFactory
from domain.credits import Reason
from domain.errors import DuplicateRecord, InvalidToken, LinkTokenInvalid
from domain.mail import AccountMail, MailRequest


class VerifyEmail:
    def __init__(
        self, uow: UowFactory, links: AccountLinks, clock: Clock, ids: IdGenerator, bonus_at_verification: int
    ) -> None:
        self.uow = uow
        self.links = links
        self.clock = clock
        self.ids = ids
        self.bonus = bonus_at_verification

    async def __call__(self, token: str) -> None:
        """Mark the address verified (moving the account to it for a change of address) and grant a pending
        sign-up bonus once; raises LinkTokenInvalid, EmailTaken."""
        user_id, current, address = self.links.read_verify(token, self.clock.now())
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
            if user is None or not user.active:
                raise LinkTokenInvalid()
            if user.email != current:
                if user.email == address:
                    return  # a change of address followed before
                raise LinkTokenInvalid()  # a link for an address the account no longer has
            if user.email == address and user.email_verified:
                return
            await uow.users.update(dataclasses.replace(user, email=address, email_verified=True))
            await uow.commit()
        if self.bonus > 0 and current == address:
            await self._grant_bonus(user.id)

    async def _grant_bonus(self, user_id: UUID) -> None:
        # Apart from the verification: a bonus granted before (at sign-up, or by a concurrent click) must not undo it.
        try:
            async with self.uow() as uow:
                await uow.credits.grant(user_id, self.bonus, Reason.SIGNUP_BONUS, self.ids.new(), self.clock.now())
                await uow.commit()
        except DuplicateRecord:
            pass  # the unique rule keeps it to one


class ResendVerification:
    def __init__(self, uow: UowFactory, mail: MailQueue) -> None:
        self.uow = uow
        self.mail = mail

    async def __call__(self, user_id: UUID) -> None:
        """Another verification link for the current address; nothing when it is verified already."""
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise InvalidToken("the user no longer exists")
        if not user.email_verified:
            await self.mail.request(MailRequest(AccountMail.VERIFY_EMAIL, user.email, user.id))
