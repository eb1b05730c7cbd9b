"""On the production stack the API only queues account mail: a Taskiq worker on Redis composes it and hands it to a
real SMTP server, and the link it carries completes a password reset through the API."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.support.smtp_server import parts, smtp_server
from tests.support.stack import PASSWORD, production_stack

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


async def test_a_worker_sends_the_reset_mail_over_smtp_and_its_link_resets_the_password(tmp_path: Path) -> None:
    with smtp_server() as inbox:
        async with production_stack(tmp_path, smtp_url=inbox.url, rate_limit_allowlist="127.0.0.1") as stack:
            _, url = await stack.serve()
            async with httpx.AsyncClient(base_url=url) as http:
                email = "ada@example.com"
                assert (await http.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD})).status_code == 201
                asked = await http.post("/api/v1/auth/password-reset", json={"email": email})
                assert inbox.messages == []  # no worker yet: the API itself sends nothing
                stack.worker("worker")
                deadline = time.monotonic() + 60
                while not (resets := [m for m in inbox.messages if m["Subject"] == "Reset your password"]):
                    assert time.monotonic() < deadline, f"no reset mail: {[m['Subject'] for m in inbox.messages]}"
                    await asyncio.sleep(0.1)
                text, _ = parts(resets[0])
                link = next(word for word in text.split() if "/reset-password?token=" in word)
                token = parse_qs(urlsplit(link).query)["token"][0]
                confirmed = await http.post(
                    "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "a fresh passphrase"}
                )
                login = await http.post("/api/v1/auth/login", json={"email": email, "password": "a fresh passphrase"})

    assert asked.status_code == 202
    assert link.startswith("http://127.0.0.1/reset-password")  # PUBLIC_URL, never the Host header
    assert {m["Subject"] for m in inbox.messages} == {"Verify your e-mail", "Reset your password"}
    assert (confirmed.status_code, login.status_code) == (204, 200)
