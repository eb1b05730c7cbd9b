"""A real SMTP server (aiosmtpd) on 127.0.0.1 for a test, keeping every message it receives."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from testbed.environment import free_port


@dataclass
class Inbox:
    url: str
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


@contextmanager
def smtp_server(username: str | None = None, password: str | None = None) -> Iterator[Inbox]:
    """A server that accepts mail (with AUTH when a username is given) and keeps what it receives."""
    port = free_port()
    credentials = f"{username}:{password}@" if username else ""
    inbox = Inbox(url=f"smtp://{credentials}127.0.0.1:{port}")

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (username, password)
        if ok:
            inbox.logins.append(data.login.decode())
        return AuthResult(success=ok)

    options: dict[str, Any] = {}
    if username:
        options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # AUTH without TLS: fine on loopback in a test
        controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None, message
    return text.get_content(), html.get_content()
