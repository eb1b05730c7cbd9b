"""What the dashboard tells a person while things go wrong or take time, at a phone's width and at a desktop's."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import pytest
from PIL import Image
from playwright.sync_api import Page, Route, expect

from tests.browser.test_dashboard import add_operation, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Shoot = Callable[[str], None]


def photo(path: Path) -> Path:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((600, 400)).convert("RGB").save(out, "JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return path


def chosen_files(page: Page) -> int:
    return int(page.get_by_label("Images", exact=True).evaluate("input => input.files.length"))


def test_an_upload_shows_progress_refuses_what_cannot_be_decoded_and_keeps_the_file_after_an_error(
    page: Page, shoot: Shoot, tmp_path: Path, expected_errors: list[str]
) -> None:
    expected_errors.append("422 /upload")
    sign_up(page, f"cy-{uuid4().hex[:8]}@example.com", lambda _: None)
    image = page.get_by_label("Images", exact=True)
    submit = page.get_by_role("button", name=re.compile("Process image"))

    # A text file named .jpg: the browser cannot decode it, so it is refused before anything is sent.
    fake = tmp_path / "notes.jpg"
    fake.write_text("these are not pixels")
    image.set_input_files(fake)
    expect(page.get_by_text("is not an image this browser can read")).to_be_visible()
    assert image.evaluate("input => input.validity.valid") is False
    shoot("upload-undecodable")
    page.get_by_role("button", name="Remove notes.jpg").click()

    # The server refuses a parameter the browser's checks were told to let through: the form comes back with the
    # error in words, and the chosen file is still there.
    image.set_input_files(photo(tmp_path / "gradient.jpg"))
    expect(page.get_by_role("img", name="Preview of gradient.jpg")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Kept file")
    add_operation(page, "Blur", "Radius", "2")
    radius = page.locator(".op-row").last.get_by_label("Radius")
    radius.evaluate("input => { input.removeAttribute('max'); input.value = '999'; }")
    submit.click()
    expect(page.get_by_role("alert").filter(has_text="That did not work")).to_be_visible()
    assert chosen_files(page) == 1
    expect(page.get_by_text("browsers forget them after an error")).to_have_count(0)
    shoot("upload-server-error")

    # Sending: the button is disabled and the progress shows until the server answers.
    held: list[Route] = []
    page.route("**/upload", lambda route: held.append(route))
    page.locator(".op-row").last.get_by_label("Radius").fill("3")
    page.get_by_role("button", name=re.compile("Process image")).click()
    expect(page.get_by_role("button", name=re.compile("Process image"))).to_be_disabled()
    expect(page.get_by_role("progressbar", name="Upload progress")).to_be_visible()
    shoot("upload-sending")
    held[0].continue_()
    expect(page).to_have_url(re.compile(r"/tasks/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", name="Kept file")).to_be_visible()


def test_errors_are_pages_with_the_signed_in_header(page: Page, shoot: Shoot, expected_errors: list[str]) -> None:
    expected_errors.append("404 /no/such/page")
    sign_up(page, f"di-{uuid4().hex[:8]}@example.com", lambda _: None)

    page.goto("/no/such/page")
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_be_visible()
    shoot("not-found")

    page.goto("/upload")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Process an image")).to_be_visible()


def test_an_api_key_is_made_shown_once_and_copied(page: Page, shoot: Shoot) -> None:
    sign_up(page, f"ke-{uuid4().hex[:8]}@example.com", lambda _: None)
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_text("No keys yet.")).to_be_visible()
    shoot("keys-empty")

    page.get_by_label("Name").fill("nightly job")
    page.get_by_role("checkbox", name=re.compile("Place orders")).uncheck()
    page.get_by_role("button", name="Make key").click()
    secret = page.get_by_role("textbox", name="New API key")
    expect(secret).to_have_value(re.compile(r"^pxm_"))
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied to the clipboard.").or_(page.get_by_text("Selected: press Ctrl+C"))).to_be_visible()
    shoot("keys-new")

    page.reload()
    expect(page.get_by_role("textbox", name="New API key")).to_have_count(0)
    page.get_by_role("button", name="Revoke nightly job").click()
    expect(page.get_by_role("status").filter(has_text="The API key was revoked")).to_be_visible()


def test_dark_mode_follows_the_system_and_keeps_every_page_readable(page: Page, shoot: Shoot) -> None:
    page.emulate_media(color_scheme="dark")
    sign_up(page, f"dk-{uuid4().hex[:8]}@example.com", lambda _: None)
    page.wait_for_load_state("load")  # the text can be laid out before the stylesheet has arrived
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(17, 20, 28)"
    for path, name in [("/", "home"), ("/tasks", "tasks"), ("/buy", "buy"), ("/ledger", "ledger"), ("/keys", "keys")]:
        page.goto(path)
        shoot(f"dark-{name}")  # axe-core checks the contrast of the dark colours too

