"""The upload page in Chromium at a phone's width and a desktop's: files dropped, pasted and chosen, previewed and
checked in the browser, sent as one batch (three tasks, three credits) or refused whole; and one file without
any script at all."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import uuid4

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCREENSHOTS, SERVER_ENV, VIEWPORTS, horizontal_overflow
from tests.browser.test_dashboard import add_operation, sign_up
from tests.support.server import serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Shoot = Callable[[str], None]
CREDITS = 4  # enough for a batch of three, with one left to show the balance moved
MAX_UPLOAD = 2 * 1024 * 1024  # small, so the browser's size checks are quick to reach


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("serve"), {**SERVER_ENV, "PIXELMILL_SIGNUP_CREDITS": str(CREDITS), "PIXELMILL_MAX_UPLOAD_BYTES": str(MAX_UPLOAD)}) as url:
        yield url


def picture(kind: str, size: tuple[int, int] = (600, 400)) -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize(size).convert("RGB").save(out, kind)
    return out.getvalue()


def in_page_transfer(page: Page, name: str, data: bytes, media_type: str, event: str) -> None:
    """Dispatch a drop on the drop zone, or a paste on the focused element, carrying one file built in the page."""
    page.evaluate(
        """({name, type, b64, event}) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, {type}));
            if (event === "drop") {
                const zone = document.querySelector("[data-dropzone]");
                zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: transfer, bubbles: true, cancelable: true}));
                zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true, cancelable: true}));
            } else {
                const target = document.activeElement || document.body;
                target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: transfer, bubbles: true, cancelable: true}));
            }
        }""",
        {"name": name, "type": media_type, "b64": base64.b64encode(data).decode(), "event": event},
    )


def chosen(page: Page) -> int:
    return int(page.get_by_label("Images", exact=True).evaluate("input => input.files.length"))


def test_dropped_pasted_and_chosen_images_are_previewed_and_sent_as_one_batch(page: Page, shoot: Shoot, tmp_path: Path) -> None:
    sign_up(page, f"dr-{uuid4().hex[:8]}@example.com", lambda _: None)
    expect(page.get_by_text("Drop images here")).to_be_visible()
    shoot("upload-empty")

    in_page_transfer(page, "dropped.png", picture("PNG"), "image/png", "drop")
    expect(page.get_by_role("img", name="Preview of dropped.png")).to_be_visible()
    expect(page.get_by_text("600 × 400 px")).to_be_visible()

    page.get_by_label("Title", exact=True).focus()
    in_page_transfer(page, "image.png", picture("PNG", (300, 200)), "image/png", "paste")
    pasted = page.get_by_role("img", name=re.compile(r"^Preview of pasted-.*\.png$"))
    expect(pasted).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value("")  # an image pasted is a file, not text

    third = tmp_path / "chosen.jpg"
    third.write_bytes(picture("JPEG", (200, 300)))
    page.get_by_label("Images", exact=True).set_input_files(third)  # the picker adds to what is there
    expect(page.get_by_role("img", name="Preview of chosen.jpg")).to_be_visible()
    assert chosen(page) == 3
    page.get_by_label("Title", exact=True).fill("Trip")
    submit = page.get_by_role("button", name="Process 3 images · 3 credits")
    expect(submit).to_be_enabled()
    shoot("upload-three-chosen")

    submit.click()
    result = page.get_by_role("heading", name="3 tasks started")
    expect(result).to_be_focused()
    links = page.locator("[data-batch-result-list] a")
    expect(links).to_have_text(["Trip 1", "Trip 2", "Trip 3"])
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(rf"^\s*{CREDITS - 3}\s+credit\s*$"))
    assert chosen(page) == 0  # sent: the form is ready for the next files
    expect(page.get_by_role("complementary", name="Recent tasks").get_by_role("link")).to_have_text(["Trip 1", "Trip 2", "Trip 3"])
    shoot("upload-batch-started")

    # The three are tasks of their own, each charged one credit.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ledger").click()
    expect(page.locator("tbody tr", has_text="Task charge")).to_have_count(3)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    expect(page.locator("tbody tr", has_text="Trip")).to_have_count(3)


def test_a_batch_with_a_file_the_server_refuses_is_refused_whole_and_charges_nothing(
    page: Page, shoot: Shoot, tmp_path: Path, expected_errors: list[str]
) -> None:
    expected_errors.append("415 /upload/batch")
    sign_up(page, f"bd-{uuid4().hex[:8]}@example.com", lambda _: None)
    images = page.get_by_label("Images", exact=True)

    # Refused in the browser: not an image at all, though named like one; nothing can be sent while it is chosen.
    fake = tmp_path / "notes.jpg"
    fake.write_text("these are not pixels")
    images.set_input_files(fake)
    expect(page.get_by_text("“notes.jpg” is not an image this browser can read")).to_be_visible()
    assert images.evaluate("input => input.validity.valid") is False
    page.get_by_role("button", name="Remove notes.jpg").click()
    assert images.evaluate("input => input.validity.valid") is False  # nothing chosen: still required

    # A TIFF the browser cannot preview goes to the server, which reads it and finds it damaged.
    good, scan, other = tmp_path / "good.jpg", tmp_path / "scan.tiff", tmp_path / "other.png"
    good.write_bytes(picture("JPEG"))
    scan.write_bytes(b"II*\x00" + b"\x00" * 64)
    other.write_bytes(picture("PNG"))
    images.set_input_files([good, scan, other])
    expect(page.get_by_text("no preview for this format here")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Mixed")
    page.get_by_role("button", name="Process 3 images · 3 credits").click()

    alert = page.get_by_role("alert").filter(has_text="The server refused scan.tiff")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Nothing was charged")
    card = page.locator("[data-file-card]", has_text="scan.tiff")
    expect(card.locator("[data-file-error]")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(rf"^\s*{CREDITS}\s+credits\s*$"))
    assert chosen(page) == 3  # every file still chosen, to fix and send again
    shoot("upload-batch-refused")

    page.get_by_role("button", name="Remove scan.tiff").click()
    page.get_by_role("button", name="Process 2 images · 2 credits").click()
    expect(page.get_by_role("heading", name="2 tasks started")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(rf"^\s*{CREDITS - 2}\s+credits\s*$"))

    # Two credits left: three files are more than the balance pays for, said before sending.
    images.set_input_files([good, scan, other])
    expect(page.get_by_text("You have 2 credits; 3 images need 3 credits.")).to_be_visible()
    assert images.evaluate("input => input.validity.valid") is False


def noise(path: Path, side: int) -> Path:
    """A PNG that does not compress: about side² bytes."""
    Image.effect_noise((side, side), 100).save(path, "PNG")
    return path


def test_sizes_and_parameters_are_checked_in_the_browser_before_anything_is_sent(page: Page, shoot: Shoot, tmp_path: Path) -> None:
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" and "/upload" in request.url else None)
    sign_up(page, f"ck-{uuid4().hex[:8]}@example.com", lambda _: None)
    expect(page.get_by_text("2 MiB in all")).to_be_visible()  # the server's limit, written into the page
    images = page.get_by_label("Images", exact=True)
    page.get_by_label("Title", exact=True).fill("Checked")

    images.set_input_files(noise(tmp_path / "huge.png", 1700))
    expect(page.get_by_text(re.compile(r"This file is 2\.\d MiB; an upload may be at most 2\.0 MiB\."))).to_be_visible()
    page.get_by_role("button", name="Process image · 1 credit").click()
    page.get_by_role("button", name="Remove huge.png").click()

    images.set_input_files([noise(tmp_path / "one.png", 1100), noise(tmp_path / "two.png", 1100)])
    expect(page.get_by_text(re.compile(r"These 2 images come to 2\.\d MiB; one upload may be at most 2\.0 MiB in all"))).to_be_visible()
    page.get_by_role("button", name="Process 2 images · 2 credits").click()
    assert images.evaluate("input => input.validity.valid") is False
    shoot("upload-too-large-together")
    page.get_by_role("button", name="Remove one.png").click()
    page.get_by_role("button", name="Remove two.png").click()

    small, other = tmp_path / "small.jpg", tmp_path / "other.jpg"
    small.write_bytes(picture("JPEG"))
    other.write_bytes(picture("JPEG", (300, 300)))
    images.set_input_files([small, other])
    add_operation(page, "Pad to a size", "Colour", "red")
    submit = page.get_by_role("button", name="Process 2 images · 2 credits")
    submit.click()
    colour = page.locator(".op-row").last.get_by_label("Colour")
    assert "#rrggbb" in colour.evaluate("input => input.validationMessage")
    assert posts == []  # every refusal so far happened in the browser

    colour.fill("#ffffff")
    submit.click()
    expect(page.get_by_role("heading", name="2 tasks started")).to_be_visible()
    assert len(posts) == 1


@pytest.fixture
def no_script_page(browser: Browser, base_url: str, viewport: str) -> Iterator[Page]:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": height}, java_script_enabled=False)
    page = context.new_page()
    failures: list[str] = []
    page.on("console", lambda message: failures.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: failures.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    yield page
    context.close()
    assert failures == [], "the browser reported errors or error responses"


def test_without_javascript_one_file_is_posted_and_its_task_page_follows(
    no_script_page: Page, viewport: str, tmp_path: Path
) -> None:
    page = no_script_page
    sign_up(page, f"ns-{uuid4().hex[:8]}@example.com", lambda _: None)
    expect(page.get_by_text("Drop images here")).to_be_hidden()  # dropping and pasting need the script
    photo = tmp_path / "plain.jpg"
    photo.write_bytes(picture("JPEG"))
    page.get_by_label("Images", exact=True).set_input_files(photo)
    page.get_by_label("Title", exact=True).fill("Plain post")
    page.get_by_role("button", name="Process image · 1 credit").click()

    expect(page).to_have_url(re.compile(r"/tasks/[0-9a-f-]{36}$"))  # post, redirect, get
    expect(page.get_by_role("heading", name="Plain post")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(rf"^\s*{CREDITS - 1}\s+credits\s*$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{viewport}-upload-no-script-task.png"), full_page=True)
    assert horizontal_overflow(page) == 0
