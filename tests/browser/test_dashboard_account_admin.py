"""The account page and the admin area in Chromium at a phone's width and a desktop's: every form posted and
answered in words, no sideways spill, no console error, no serious axe-core finding."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from playwright.sync_api import Page, expect

from testbed.environment import PIXELMILL, clean_env
from tests.browser.conftest import SERVER_ENV
from tests.browser.test_dashboard import PASSWORD, sign_up, unlabelled_fields
from tests.support.server import serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Shoot = Callable[[str], None]
ENV = {**SERVER_ENV, "PIXELMILL_RATE_LIMIT_ACCOUNT": "10000"}
NEW_PASSWORD = "a fresh passphrase"


@pytest.fixture(scope="module")
def serve_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve-admin")


@pytest.fixture(scope="module")
def base_url(serve_dir: Path) -> Iterator[str]:
    """Our own server, so the command line can promote an admin in its working directory."""
    with serving(serve_dir, ENV) as url:
        yield url


def promote(serve_dir: Path, email: str) -> None:
    subprocess.run([str(PIXELMILL), "users", "promote", email], cwd=serve_dir, env=clean_env(ENV), check=True, timeout=60)


def notice(page: Page, words: str) -> None:
    expect(page.get_by_role("status").filter(has_text=words)).to_be_visible()


def test_the_account_page_changes_the_password_exports_and_deletes_the_account(
    page: Page, shoot: Shoot, expected_errors: list[str]
) -> None:
    email = f"acc-{uuid4().hex[:8]}@example.com"
    sign_up(page, email, lambda _: None)
    expected_errors.extend(["404 /admin", "422 /account/password"])
    page.goto("/admin")  # not an admin: the area is not there
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    page.get_by_role("link", name="Account", exact=True).click()
    expect(page.get_by_role("heading", name="Account", exact=True)).to_be_visible()
    assert unlabelled_fields(page) == []
    shoot("account")
    page.get_by_role("button", name="Send the link again").click()
    notice(page, "A new verification link is on its way")

    page.get_by_label("Current password").fill("not my password at all")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("is not your password")).to_be_visible()
    shoot("account-error")
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    notice(page, "Your password is changed")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    assert download.value.suggested_filename == "pixelmill-export.zip"

    page.get_by_label("Type your address to confirm").fill(email)
    page.locator("#delete-password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page).to_have_url(re.compile(r"/login\?notice=account-deleted$"))
    notice(page, "Your account is deleted")
    shoot("account-deleted")


def test_an_admin_finds_a_user_moves_credits_disables_refunds_and_reads_the_audit_log(
    page: Page, shoot: Shoot, base_url: str, serve_dir: Path, expected_errors: list[str]
) -> None:
    admin = f"admin-{uuid4().hex[:8]}@example.com"
    target = f"someone-with-a-rather-long-address-{uuid4().hex[:8]}@a-long-domain-name.example"
    sign_up(page, admin, lambda _: None)
    page.goto("/buy")
    page.get_by_role("button", name=re.compile("^Buy Starter")).click()
    page.get_by_role("button", name="Pay").click()
    notice(page, "Payment received")
    promote(serve_dir, admin)
    assert httpx.post(f"{base_url}/api/v1/auth/signup", json={"email": target, "password": PASSWORD}).status_code == 201

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.get_by_label("Find users by e-mail").fill(target[:20])
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=target)).to_be_visible()
    shoot("admin-users")

    page.get_by_role("link", name=target).click()
    expect(page.get_by_test_id("subject-balance")).to_have_text("1 credit")
    user_page = page.url
    expected_errors.append(f"422 {user_page.removeprefix(base_url)}/credits")
    page.get_by_label("Credits", exact=True).fill("lots")
    page.locator("#credits-reason").fill("goodwill")
    page.get_by_role("button", name="Move credits").click()
    expect(page.get_by_text("must be a whole number of credits")).to_be_visible()
    page.get_by_label("Credits", exact=True).fill("25")
    page.get_by_role("button", name="Move credits").click()
    notice(page, "The credits were moved")
    expect(page.get_by_test_id("subject-balance")).to_have_text("26 credits")
    page.locator("#status-reason").fill("suspected abuse")
    page.get_by_role("button", name="Disable account").click()
    notice(page, "The account is disabled")
    assert unlabelled_fields(page) == []
    shoot("admin-user")
    page.locator("#status-reason").fill("cleared")
    page.get_by_role("button", name="Enable account").click()
    notice(page, "The account is enabled again")

    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_label("Find users by e-mail").fill(admin)
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=admin).click()
    page.get_by_role("link", name=re.compile("^Refund")).click()
    expect(page.get_by_role("heading", name="Refund this order?")).to_be_visible()
    shoot("admin-refund")
    page.get_by_label("Reason (for the audit log)").fill("customer asked")
    page.get_by_role("button", name="Refund the credits").click()
    notice(page, "The order's credits were taken back")

    page.get_by_role("link", name="Audit log").click()
    rows = page.get_by_role("row")  # the server, and so the log, is shared by both widths' runs
    expect(rows.filter(has_text=admin).filter(has_text="refunded an order").filter(has_text="customer asked")).to_be_visible()
    expect(rows.filter(has_text=target).filter(has_text="disabled the account").filter(has_text="suspected abuse")).to_be_visible()
    shoot("admin-audit")
