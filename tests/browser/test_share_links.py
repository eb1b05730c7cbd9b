"""Sharing a result, walked in Chromium at a phone's width and at a desktop's: the owner makes a link that allows
before/after and copies it; a visitor with no session opens the public page, moves the slider and downloads; the
owner revokes the link and the visitor's reload is the 404 page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import AXE, AXE_URL, SCREENSHOTS, VIEWPORTS, horizontal_overflow, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
Shoot = Callable[[str], None]


def photo(path: Path) -> Path:
    """Colourful, so that the default pipeline's grayscale result differs from it at a glance."""
    out = io.BytesIO()
    gradient = Image.linear_gradient("L").resize((900, 600))
    Image.merge("RGB", (gradient, gradient.rotate(90, expand=False), Image.new("L", (900, 600), 40))).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def visitor(browser: Browser, base_url: str, viewport: str) -> Iterator[tuple[Page, list[str]]]:
    """A second browser profile, with no session: someone the link was sent to. Its errors are returned to the test,
    which expects exactly one (the 404 of the revoked link)."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height}, accept_downloads=True)
    context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url.removeprefix(base_url)}") if r.status >= 400 else None)
    yield page, errors
    context.close()


def check(page: Page, viewport: str, name: str) -> None:
    """What the shoot fixture checks, for the visitor's page: nothing spills sideways, no serious axe finding."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{viewport}-{name}.png"), full_page=True)
    assert horizontal_overflow(page) == 0, f"{name}: the page is wider than the {viewport} window"
    assert serious_violations(page) == [], f"{name}: axe-core found serious or critical violations"


def completed_task(page: Page, tmp_path: Path) -> None:
    page.goto("/signup")
    page.get_by_label("Email").fill(f"sharer-{uuid4().hex[:8]}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status").filter(has_text="Welcome")).to_be_visible()
    page.get_by_label("Images", exact=True).set_input_files(photo(tmp_path / "harbour.jpg"))
    page.get_by_label("Title", exact=True).fill("Harbour at dusk")
    page.get_by_role("button", name=re.compile("Process image")).click()
    expect(page).to_have_url(re.compile(r"/tasks/[0-9a-f-]{36}$"))
    # The page fills in the result and the share form by itself once the task is done.
    expect(page.get_by_role("button", name="Make a share link")).to_be_visible(timeout=60_000)


def test_share_open_compare_download_and_revoke(
    page: Page, shoot: Shoot, visitor: tuple[Page, list[str]], viewport: str, base_url: str, tmp_path: Path
) -> None:
    completed_task(page, tmp_path)
    expect(page.get_by_test_id("no-share-links")).to_be_visible()
    page.get_by_label("Works for").select_option(label="1 day")
    page.get_by_label("Let visitors compare with the original (before and after)").check()
    page.get_by_role("button", name="Make a share link").click()

    expect(page.get_by_role("status").filter(has_text="A new share link was made")).to_be_visible()
    links = page.get_by_role("list", name="Live share links").get_by_role("listitem")
    expect(links).to_have_count(1)
    expect(links.first).to_contain_text("in 1 day")
    expect(links.first).to_contain_text("shows before and after")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    links.first.get_by_role("button", name="Copy share link 1").click()
    expect(links.first.get_by_role("status")).to_have_text("Copied to the clipboard.")
    url = page.get_by_role("textbox", name="Share link 1").input_value()
    assert re.fullmatch(rf"{re.escape(base_url)}/s/[A-Za-z0-9_-]{{12}}", url), url
    assert page.evaluate("navigator.clipboard.readText()") == url
    shoot("task-share-links")

    # Someone else, with no session, opens the link.
    other, errors = visitor
    other.goto(url)
    expect(other.get_by_role("heading", name="Harbour at dusk", level=1)).to_be_visible()
    expect(other.get_by_role("link", name="Log out")).to_have_count(0)
    expect(other.get_by_text("in 1 day")).to_be_visible()
    image = other.get_by_test_id("shared-image")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth === 900")
    box = image.bounding_box()
    width, height = VIEWPORTS[viewport]
    assert box is not None and box["width"] <= width and box["height"] <= height  # fitted to the screen
    slider = other.get_by_role("slider", name="Share of the processed image shown")
    expect(slider).to_be_visible()
    slider.focus()
    other.keyboard.press("Home")
    expect(slider).to_have_attribute("aria-valuetext", "0% after")
    other.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "1% after")
    assert other.locator(".ba-stage").evaluate("stage => stage.style.getPropertyValue('--split')") == "1%"
    before = other.get_by_role("img", name="Before: the original image")
    assert before.evaluate("img => img.complete && img.naturalWidth === 900")
    with other.expect_download() as download:
        other.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename == "pixelmill-shared.jpg"
    check(other, viewport, "shared")

    # The owner revokes it: the visitor's reload is the 404 page at once.
    links.first.get_by_role("button", name="Revoke share link 1").click()
    expect(page.get_by_role("status").filter(has_text="The share link was revoked")).to_be_visible()
    expect(page.get_by_test_id("no-share-links")).to_be_visible()
    other.reload()
    expect(other.get_by_role("heading", name="Not found")).to_be_visible()
    check(other, viewport, "shared-revoked")
    share_path = url.removeprefix(base_url)
    assert [e for e in errors if not e.startswith("Failed to load resource")] == [f"404 {share_path}"]
