"""The pages mailed links open: forgot password, choose a new one, verify an address; in a browser without one."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.e2e.accounts import token_of
from tests.e2e.dashboard_client import PASSWORD, dashboard, text_of
from tests.e2e.polling import eventually


async def test_a_forgotten_password_is_reset_from_the_mailed_link() -> None:
    async with dashboard(public_url="http://testserver") as site:
        visitor = await site.visitor().sign_up()
        stranger = site.visitor()
        mails = site.harness.mailer.sent

        login = await stranger.get("/login")
        await stranger.get("/forgot-password")
        asked = await stranger.post("/forgot-password", {"email": visitor.email.upper()})
        unknown = await stranger.post("/forgot-password", {"email": "nobody@example.com"})
        mail = await eventually(
            lambda: _first(mails, "Reset your password"), lambda found: found is not None
        )
        link = urlsplit(mail.link)  # type: ignore[union-attr]
        form = await stranger.get(f"{link.path}?{link.query}")
        weak = await stranger.post("/reset-password", {"token": token_of(mail), "password": "short"})  # type: ignore[arg-type]
        done = await stranger.post("/reset-password", {"token": token_of(mail), "password": "a fresh passphrase"})  # type: ignore[arg-type]
        again = await stranger.post("/reset-password", {"token": token_of(mail), "password": "another passphrase"})  # type: ignore[arg-type]
        await stranger.get("/login")
        old = await stranger.post("/login", {"email": visitor.email, "password": PASSWORD})
        new = await stranger.post("/login", {"email": visitor.email, "password": "a fresh passphrase"})

    assert 'href="/forgot-password"' in login.text
    assert asked.status_code == 200 and text_of(asked) == text_of(unknown)
    assert link.path == "/reset-password" and 'name="password"' in form.text
    assert weak.status_code == 422
    assert done.status_code == 200 and "Your password is set" in text_of(done)
    assert again.status_code == 400 and "invalid, expired or already used" in text_of(again)
    assert (old.status_code, new.status_code) == (401, 303)


async def test_the_verification_link_opens_a_page_whose_button_verifies() -> None:
    async with dashboard(public_url="http://testserver") as site:
        visitor = await site.visitor().sign_up()
        mail = await eventually(
            lambda: _first(site.harness.mailer.sent, "Verify your e-mail"), lambda found: found is not None
        )
        link = urlsplit(mail.link)  # type: ignore[union-attr]
        opened = await visitor.get(f"{link.path}?{link.query}")
        verified = await visitor.post("/verify-email", {"token": token_of(mail)})  # type: ignore[arg-type]
        forged = await visitor.post("/verify-email", {"token": "x.y.z"})
        async with site.harness.container.uow() as uow:
            user = await uow.users.get_by_email(visitor.email)

    assert link.path == "/verify-email" and "Verify my address" in opened.text
    assert verified.status_code == 200 and "verified" in text_of(verified)
    assert forged.status_code == 400
    assert user is not None and user.email_verified


async def _first(mails: list, subject: str) -> object:  # type: ignore[type-arg]
    return next((mail for mail in mails if mail.subject == subject), None)


async def test_a_token_in_the_link_is_escaped_on_the_page_and_never_sent_on_as_a_referrer() -> None:
    async with dashboard() as site:
        page = await site.visitor().get("/reset-password", params={"token": '"><script>alert(1)</script>'})

    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert page.headers["referrer-policy"] in ("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin")
