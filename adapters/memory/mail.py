"""A mailer that keeps what it sent, and a mail queue that keeps what it was asked; both can be down."""

from __future__ import annotations

from domain.errors import DependencyUnavailable, TransientFailure
from domain.mail import MailMessage, MailRequest


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[MailMessage] = []
        self.failures_left = 0

    async def send(self, message: MailMessage) -> None:
        if self.failures_left > 0:
            self.failures_left -= 1
            raise TransientFailure("the mail server is unavailable")
        self.sent.append(message)


class MemoryMailQueue:
    def __init__(self) -> None:
        self.requests: list[MailRequest] = []
        self.down = False

    async def request(self, mail: MailRequest) -> None:
        if self.down:
            raise DependencyUnavailable("the mail queue is unavailable")
        self.requests.append(mail)

    def drain(self) -> list[MailRequest]:
        taken, self.requests = self.requests, []
        return taken
