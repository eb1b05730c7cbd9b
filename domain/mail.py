"""Mail: what an account e-mail asks for, and the message a mailer sends."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class AccountMail(StrEnum):
    PASSWORD_RESET = "password_reset"
    VERIFY_EMAIL = "verify_email"
    CHANGE_EMAIL = "change_email"


@dataclass(frozen=True)
class MailRequest:
    """Handed to a worker after commit; the worker looks the user up and makes the link itself."""

    kind: AccountMail
    email: str
    user_id: UUID | None = None


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    text: str
    html: str
    link: str = ""  # the one link it carries, logged by the outbox mailer so a developer can click it
