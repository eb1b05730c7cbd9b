"""Mail reaches a real SMTP server, and in embedded mode a directory of .eml files; a reset completes from the mail."""

from __future__ import annotations

import logging
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from dependency_injector import providers

from adapters.mail.outbox import OutboxDirectoryMailer
from adapters.mail.smtp import SmtpMailer, SmtpServer
from domain.errors import TransientFailure
from domain.mail import MailMessage
from entrypoints.harness import build_harness
from testbed.environment import free_port
from tests.e2e.conftest import GENEROUS_LIMITS, serving
from tests.e2e.polling import eventually
from tests.support.smtp_server import parts, smtp_server

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SENDER = "Pixelmill <no-reply@pixelmill.test>"
MESSAGE = MailMessage(
    to="ada@example.com",
    subject="Reset your password",
    text="Choose a new password: https://px.test/reset-password?token=abc",
    html='<p><a href="https://px.test/reset-password?token=abc">Choose a new password</a></p>',
    link="https://px.test/reset-password?token=abc",
)


async def test_the_smtp_mailer_delivers_a_plain_text_and_html_message() -> None:
    with smtp_server() as inbox:
        await SmtpMailer(inbox.url, SENDER).send(MESSAGE)

    [received] = inbox.messages
    assert (received["To"], received["From"], received["Subject"]) == ("ada@example.com", SENDER, MESSAGE.subject)
    text, html = parts(received)
    assert MESSAGE.link in text and MESSAGE.link in html


async def test_the_smtp_mailer_logs_in_with_the_credentials_of_the_url() -> None:
    with smtp_server(username="mailer", password="s3cret") as inbox:
        await SmtpMailer(inbox.url, SENDER).send(MESSAGE)

    assert inbox.logins == ["mailer"] and len(inbox.messages) == 1


async def test_a_server_that_is_not_there_is_a_transient_failure() -> None:
    with pytest.raises(TransientFailure):
        await SmtpMailer(f"smtp://127.0.0.1:{free_port()}", SENDER, timeout_seconds=5).send(MESSAGE)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.internal", SmtpServer("mail.internal", 25, None, None, False, False)),
        ("smtp+starttls://u%40x:p%2Fw@mail.internal:2587", SmtpServer("mail.internal", 2587, "u@x", "p/w", False, True)),
        ("smtps://u:p@mail.internal", SmtpServer("mail.internal", 465, "u", "p", True, False)),
    ],
)
def test_smtp_urls_choose_port_tls_and_credentials(url: str, expected: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == expected


def test_an_unknown_smtp_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="PIXELMILL_SMTP_URL"):
        SmtpServer.from_url("http://mail.internal")


async def test_the_outbox_mailer_writes_an_eml_file_and_logs_the_link(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.mail.outbox")

    await OutboxDirectoryMailer(tmp_path / "outbox", SENDER).send(MESSAGE)

    [path] = list((tmp_path / "outbox").glob("*.eml"))
    received = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert received["Subject"] == "Reset your password"
    assert MESSAGE.link in parts(received)[0]  # type: ignore[arg-type]
    assert MESSAGE.link in caplog.text


async def test_a_reset_mail_received_over_smtp_completes_the_reset() -> None:
    harness = build_harness(public_url="https://pixelmill.test", **GENEROUS_LIMITS)
    with smtp_server() as inbox:
        harness.container.mailer.override(providers.Object(SmtpMailer(inbox.url, SENDER)))
        async with serving(harness) as api:
            user = await api.new_user()
            inbox.messages.clear()  # the verification mail of the sign-up

            asked = await api.http.post("/api/v1/auth/password-reset", json={"email": user.email})  # type: ignore[attr-defined]
            [mail] = await eventually(lambda: _resets(inbox.messages), lambda found: len(found) == 1)
            text, _ = parts(mail)
            link = next(word for word in text.split() if word.startswith("https://pixelmill.test/reset-password"))
            token = parse_qs(urlsplit(link).query)["token"][0]
            confirmed = await api.http.post(
                "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "a fresh passphrase"}
            )
            old = await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "correct horse"})  # type: ignore[attr-defined]
            new = await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "a fresh passphrase"})  # type: ignore[attr-defined]

    assert asked.status_code == 202
    assert mail["To"] == user.email  # type: ignore[attr-defined]
    assert confirmed.status_code == 204, confirmed.text
    assert (old.status_code, new.status_code) == (401, 200)


async def _resets(messages: list) -> list:  # type: ignore[type-arg]
    return [m for m in messages if m["Subject"] == "Reset your password"]
