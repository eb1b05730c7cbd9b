"""The account page: the address and its verification, password and address changes, the export, deletion."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from domain.mail import MailMessage
from entrypoints.http.dashboard.session import SESSION_COOKIE
from tests.e2e.dashboard_client import PASSWORD, Site, Visitor, text_of
from tests.e2e.dashboard_stores import STORES, dashboard_on
from tests.e2e.polling import eventually

NEW_PASSWORD = "a fresh passphrase"
FORMS = {
    "/account/verify-email": {},
    "/account/password": {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    "/account/email": {"email": "moved@example.com", "password": PASSWORD},
    "/account/delete": {"confirm_email": "", "password": PASSWORD},
}


@pytest.fixture(params=STORES)
async def site(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Site]:
    async with dashboard_on(request.param, tmp_path, rate_limit_account=10_000) as site:
        yield site


@pytest.fixture
async def visitor(site: Site) -> Visitor:
    visitor = await site.visitor().sign_up()
    await visitor.get("/account")
    return visitor


async def mails(visitor: Visitor, to: str, subject: str, count: int) -> list[MailMessage]:
    async def sent() -> list[MailMessage]:
        return [m for m in visitor.harness.mailer.sent if m.to == to and m.subject == subject]

    return await eventually(sent, lambda found: len(found) >= count)


def expire_access_token(visitor: Visitor) -> None:
    """As the browser is once its access token expired: the session cookie's access part no longer verifies."""
    _, _, refresh = visitor.http.cookies[SESSION_COOKIE].strip('"').partition("~")
    visitor.http.cookies.set(SESSION_COOKIE, f"expired.access.token~{refresh}")


async def logs_in(site: Site, email: str, password: str) -> bool:
    stranger = site.visitor()
    await stranger.get("/login")
    return (await stranger.post("/login", {"email": email, "password": password})).status_code == 303


async def test_the_account_page_is_linked_from_the_header_and_shows_the_unverified_address(visitor: Visitor) -> None:
    home = await visitor.get("/")
    account = await visitor.get("/account")

    assert 'href="/account"' in home.text
    assert account.status_code == 200
    assert visitor.email in text_of(account) and "not verified" in text_of(account)
    assert "Send the link again" in text_of(account)


async def test_resending_the_verification_mails_another_link_and_says_so(visitor: Visitor) -> None:
    await mails(visitor, visitor.email, "Verify your e-mail", 1)  # the sign-up's own link

    sent = await visitor.post("/account/verify-email")

    assert sent.status_code == 303 and sent.headers["location"] == "/account?notice=verification-sent"
    assert "A new verification link is on its way" in text_of(await visitor.get(sent.headers["location"]))
    await mails(visitor, visitor.email, "Verify your e-mail", 2)


async def test_a_new_password_keeps_this_browser_signed_in_and_logs_every_other_session_out(site: Site, visitor: Visitor) -> None:
    elsewhere = site.visitor()
    await elsewhere.get("/login")
    assert (await elsewhere.post("/login", {"email": visitor.email, "password": PASSWORD})).status_code == 303

    changed = await visitor.post("/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})

    assert changed.status_code == 303 and changed.headers["location"] == "/account?notice=password-changed"
    here = await visitor.get(changed.headers["location"])
    assert here.status_code == 200 and "Your password is changed" in text_of(here)
    # Once an access token runs out the session lives on its refresh token: the other login's was revoked.
    expire_access_token(elsewhere)
    expire_access_token(visitor)
    there = await elsewhere.get("/account")
    assert there.status_code == 303 and there.headers["location"].startswith("/login")
    assert (await visitor.get("/account")).status_code == 200
    assert not await logs_in(site, visitor.email, PASSWORD)
    assert await logs_in(site, visitor.email, NEW_PASSWORD)


@pytest.mark.parametrize("site", ["harness"], indirect=True)
@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"current_password": "not my password", "new_password": NEW_PASSWORD}, "is not your password"),
        ({"current_password": PASSWORD, "new_password": "short"}, "must have 8 to 1024 characters"),
        ({"current_password": PASSWORD, "new_password": "x" * 100_000}, "must have 8 to 1024 characters"),
        ({"current_password": PASSWORD, "new_password": "nul\x00byte password"}, "New password"),
    ],
)
async def test_a_refused_password_change_is_said_next_to_its_field_and_changes_nothing(
    site: Site, visitor: Visitor, fields: dict[str, str], words: str
) -> None:
    refused = await visitor.post("/account/password", fields)

    assert refused.status_code == 422 and "text/html" in refused.headers["content-type"]
    assert words in text_of(refused) and 'aria-invalid="true"' in refused.text
    assert "x" * 2000 not in refused.text  # a megabyte typed is never echoed back
    assert await logs_in(site, visitor.email, PASSWORD)


async def test_a_new_address_gets_a_link_and_the_account_moves_only_when_it_is_followed(visitor: Visitor) -> None:
    asked = await visitor.post("/account/email", {"email": "Moved@Example.com", "password": PASSWORD})

    assert asked.status_code == 303 and asked.headers["location"] == "/account?notice=email-change-sent"
    [mail] = await mails(visitor, "moved@example.com", "Verify your e-mail", 1)
    assert mail.link and "/verify-email" in mail.link
    assert visitor.email in text_of(await visitor.get("/account"))


@pytest.mark.parametrize("site", ["harness"], indirect=True)
@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"email": "moved@example.com", "password": "not my password"}, 422, "is not your password"),
        ({"email": "not an address", "password": PASSWORD}, 422, "is not a valid email address"),
        ({"email": "<script>alert(1)</script>", "password": PASSWORD}, 422, "is not a valid email address"),
        ({"email": "a" * 50_000, "password": PASSWORD}, 422, "is not a valid email address"),
    ],
)
async def test_a_refused_address_change_is_said_on_the_page_and_mails_nothing(
    visitor: Visitor, fields: dict[str, str], status: int, words: str
) -> None:
    refused = await visitor.post("/account/email", fields)

    assert refused.status_code == status and words in text_of(refused)
    assert "<script>alert(1)" not in refused.text
    assert [m for m in visitor.harness.mailer.sent if m.to != visitor.email] == []


async def test_an_address_of_another_account_is_refused_in_words(site: Site, visitor: Visitor) -> None:
    other = await site.visitor().sign_up()

    refused = await visitor.post("/account/email", {"email": other.email, "password": PASSWORD})

    assert refused.status_code == 409 and "belongs to another account" in text_of(refused)


async def test_my_data_downloads_as_a_zip_of_the_account_tasks_ledger_and_orders(visitor: Visitor) -> None:
    uploaded = await visitor.upload(title="Exported")
    assert uploaded.status_code == 303, uploaded.text

    plain = await visitor.get("/account/export")
    with_images = await visitor.get("/account/export", params={"images": "true"})

    assert plain.status_code == 200 and plain.headers["content-type"] == "application/zip"
    assert "attachment" in plain.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(plain.content))
    assert sorted(archive.namelist()) == ["account.json", "ledger.json", "orders.json", "tasks.json"]
    assert json.loads(archive.read("account.json"))["email"] == visitor.email
    assert [task["title"] for task in json.loads(archive.read("tasks.json"))] == ["Exported"]
    names = zipfile.ZipFile(io.BytesIO(with_images.content)).namelist()
    assert any(name.startswith("images/") and name.endswith("-source.jpeg") for name in names), names


async def test_deleting_the_account_needs_the_address_typed_and_the_password_then_signs_out(site: Site, visitor: Visitor) -> None:
    mistyped = await visitor.post("/account/delete", {"confirm_email": "someone@else.example", "password": PASSWORD})
    wrong_password = await visitor.post("/account/delete", {"confirm_email": visitor.email, "password": "not my password"})
    assert mistyped.status_code == 422 and "is not your address" in text_of(mistyped)
    assert wrong_password.status_code == 422 and "is not your password" in text_of(wrong_password)
    assert (await visitor.get("/account")).status_code == 200

    deleted = await visitor.post("/account/delete", {"confirm_email": visitor.email.upper(), "password": PASSWORD})

    assert deleted.status_code == 303 and deleted.headers["location"] == "/login?notice=account-deleted"
    landing = await visitor.get(deleted.headers["location"])
    assert "Your account is deleted" in text_of(landing) and visitor.email not in text_of(landing)
    assert (await visitor.get("/account")).status_code == 303
    assert not await logs_in(site, visitor.email, PASSWORD)


@pytest.mark.parametrize("site", ["harness"], indirect=True)
@pytest.mark.parametrize("path", list(FORMS))
async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(site: Site, visitor: Visitor, path: str) -> None:
    fields = {**FORMS[path], **({"confirm_email": visitor.email} if path == "/account/delete" else {})}

    refused = await visitor.post(path, fields, csrf=False)
    forged = await visitor.post(path, {**fields, "csrf_token": "0" * 64}, csrf=False)

    assert refused.status_code == forged.status_code == 403
    assert "text/html" in refused.headers["content-type"] and "That form has expired" in text_of(refused)
    assert await logs_in(site, visitor.email, PASSWORD)
    assert [m for m in visitor.harness.mailer.sent if m.to == "moved@example.com"] == []


async def test_bytes_that_are_not_utf8_are_a_page_in_words_not_a_500(visitor: Visitor) -> None:
    body = f"csrf_token={visitor.csrf}&current_password=%ff%fe&new_password=%ed%a0%80abcdefgh".encode()

    response = await visitor.http.post(
        "/account/password", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )

    assert 400 <= response.status_code < 500 and "text/html" in response.headers["content-type"]


async def test_the_account_page_and_its_forms_need_a_login(site: Site) -> None:
    stranger = site.visitor()

    page = await stranger.get("/account")
    export = await stranger.get("/account/export")

    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert export.status_code == 303
    assert isinstance(export, httpx.Response) and export.content == b""
