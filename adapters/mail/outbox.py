"""The embedded mailer: each message becomes an .eml file under var/outbox, and its link is logged."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread

from adapters.mail.message import to_mime
from domain.mail import MailMessage

log = logging.getLogger(__name__)


class OutboxDirectoryMailer:
    def __init__(self, directory: Path, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    async def send(self, message: MailMessage) -> None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        await anyio.to_thread.run_sync(self._write, path, bytes(to_mime(message, self.sender)))
        # No SMTP server in the embedded mode: the developer clicks the link from the log.
        log.info("mail %r to %s written to %s; link: %s", message.subject, message.to, path, message.link)

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
