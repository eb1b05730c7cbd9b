"""The mailer the settings choose: SMTP when PIXELMILL_SMTP_URL is set, the var/outbox directory otherwise."""

from __future__ import annotations

from pathlib import Path

from adapters.mail.outbox import OutboxDirectoryMailer
from adapters.mail.smtp import SmtpMailer
from application.ports.mailer import Mailer
from entrypoints.settings import Settings


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp_url:
        try:
            return SmtpMailer(settings.smtp_url, settings.mail_from, settings.smtp_timeout_seconds)
        except ValueError as exc:
            raise SystemExit(str(exc)) from None
    return OutboxDirectoryMailer(Path(settings.var_dir) / "outbox", settings.mail_from)
