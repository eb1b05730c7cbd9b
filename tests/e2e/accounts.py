"""Helpers of the account e2e tests: the mails the harness sent, and the token of a mailed link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from domain.mail import MailMessage
from tests.e2e.conftest import Api
from tests.e2e.polling import eventually


async def mail_to(api: Api, address: str, subject: str, count: int = 1) -> MailMessage:
    """The newest of `count` mails with that subject to that address, waiting for the worker to send it."""

    async def sent() -> list[MailMessage]:
        return [m for m in api.harness.mailer.sent if m.to == address and m.subject == subject]

    return (await eventually(sent, lambda found: len(found) >= count))[-1]


def token_of(mail: MailMessage) -> str:
    return parse_qs(urlsplit(mail.link).query)["token"][0]
