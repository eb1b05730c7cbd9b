"""The production mailer: aiosmtplib against the server of PIXELMILL_SMTP_URL.

smtp://host:25 (plain), smtp+starttls://user:pass@host:587 (STARTTLS required), smtps://user:pass@host:465 (TLS).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import aiosmtplib

from adapters.mail.message import to_mime
from domain.errors import TransientFailure
from domain.mail import MailMessage

_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """Raises ValueError for a scheme other than smtp, smtp+starttls or smtps, or a missing host."""
        parts = urlsplit(url)
        if parts.scheme not in _PORTS or not parts.hostname:
            raise ValueError("PIXELMILL_SMTP_URL must look like smtp+starttls://user:pass@host:587")
        return cls(
            host=parts.hostname,
            port=parts.port or _PORTS[parts.scheme],
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=parts.scheme == "smtps",
            start_tls=parts.scheme == "smtp+starttls",
        )


class SmtpMailer:
    def __init__(self, url: str, sender: str, timeout_seconds: float = 30.0) -> None:
        self.server = SmtpServer.from_url(url)
        self.sender = sender
        self.timeout = timeout_seconds

    async def send(self, message: MailMessage) -> None:
        server = self.server
        try:
            await aiosmtplib.send(
                to_mime(message, self.sender),
                hostname=server.host,
                port=server.port,
                username=server.username,
                password=server.password,
                use_tls=server.use_tls,
                start_tls=server.start_tls,
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TransientFailure(f"the mail server did not take the message: {type(exc).__name__}") from exc
