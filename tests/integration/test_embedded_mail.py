"""Embedded mode with no SMTP server: `pixelmill serve` writes account mails to var/outbox/*.eml and logs the link;
the link from the file verifies the address, and the two-command start still gives the sign-up bonus at once."""

from __future__ import annotations

import time
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from testbed.environment import CHEAP_ARGON2
from tests.support.server import serving
from tests.support.smtp_server import parts

pytestmark = pytest.mark.slow


def wait_for_mail(outbox: Path, timeout: float = 30.0) -> Path:
    deadline = time.monotonic() + timeout
    while not (found := sorted(outbox.glob("*.eml"))):
        assert time.monotonic() < deadline, f"no mail in {outbox} after {timeout}s"
        time.sleep(0.05)
    return found[0]


def test_sign_up_writes_a_verification_mail_whose_link_verifies(tmp_path: Path) -> None:
    with serving(tmp_path, CHEAP_ARGON2) as base, httpx.Client(base_url=base) as http:
        signup = http.post("/api/v1/auth/signup", json={"email": "ada@example.com", "password": "correct horse"})
        path = wait_for_mail(tmp_path / "var" / "outbox")
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        text, html = parts(mail)  # type: ignore[arg-type]
        link = next(word for word in text.split() if "/verify-email?token=" in word)
        verified = http.post("/api/v1/auth/verify-email", json={"token": parse_qs(urlsplit(link).query)["token"][0]})
        tokens = http.post("/api/v1/auth/login", json={"email": "ada@example.com", "password": "correct horse"}).json()
        me = http.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    log = "\n".join(p.read_text() for p in tmp_path.glob("serve-*.log"))

    assert signup.status_code == 201 and signup.json()["credits"] == 10
    assert (mail["To"], mail["Subject"]) == ("ada@example.com", "Verify your e-mail")
    assert link in html.replace("&amp;", "&")
    assert link in log  # a developer clicks it from the server's log
    assert verified.status_code == 204
    assert me["email_verified"] is True and me["credits"] == 10
