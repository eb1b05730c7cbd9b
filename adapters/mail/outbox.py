"""The embedded mailer: each message becomes an .eml file under var/outbox, and its link is logged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread
import structlog

from adapters.mail.message import to_mime
from domain.mail import MailMessage

log = structlog.get_logger(__name__)


class OutboxDirectoryMailer:
    def __init__(self, directory: Path, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    async def send(self, message: MailMessage) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        await anyio.to_thread.run_sync(self._write, path, bytes(to_mime(message, self.sender)))
        # No SMTP server in the embedded mode: the developer clicks the link from the log, so it is logged under
        # `mail_link`, the one field the log's secret masking leaves whole (the token is the point here).
        log.info("mail written to the outbox", subject=message.subject, to=message.to, path=str(path),
                 mail_link=message.link)  # fmt: skip

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
