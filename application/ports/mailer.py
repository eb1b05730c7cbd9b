"""Sending e-mail, and handing an account mail to the workers."""

from __future__ import annotations

from typing import Protocol

from domain.mail import MailMessage, MailRequest


class Mailer(Protocol):
    async def send(self, message: MailMessage) -> None:
        """Deliver the message (plain text and HTML); raises TransientFailure when it cannot be handed over now."""
        ...


class MailQueue(Protocol):
    async def request(self, mail: MailRequest) -> None:
        """Hand the request to a worker, at least once; raises DependencyUnavailable when the broker is down."""
        ...
