"""A person's whole journey through the dashboard, at a phone's width and at a desktop's."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
Shoot = Callable[[str], None]


def big_photo(path: Path) -> Path:
    """Large enough that rotating and blurring it takes the worker a second or two: long enough to watch."""
    out = io.BytesIO()
    Image.linear_gradient("L").resize((4000, 3000)).convert("RGB").save(out, "JPEG", quality=80)
    path.write_bytes(out.getvalue())
    return path


def unlabelled_fields(page: Page) -> list[str]:
    """Form controls a screen reader could not name."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
            .filter((field) => !field.labels.length && !field.getAttribute("aria-label"))
            .map((field) => field.name || field.id || field.outerHTML)"""
    )


def sign_up(page: Page, email: str, shoot: Shoot) -> None:
    page.goto("/signup")
    assert unlabelled_fields(page) == []
    shoot("signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status").filter(has_text="Welcome")).to_be_visible()


def add_operation(page: Page, name: str, parameter: str, value: str) -> None:
    page.get_by_role("button", name="+ Add an operation").click()
    row = page.locator(".op-row").last
    row.get_by_role("combobox", name="Operation").select_option(label=name)
    row.get_by_label(parameter).fill(value)


def test_sign_up_process_an_image_run_out_of_credits_and_buy_more(page: Page, shoot: Shoot, tmp_path: Path) -> None:
    sign_up(page, f"ada-{uuid4().hex[:8]}@example.com", shoot)
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"^\s*1\s+credit\s*$"))

    photo = big_photo(tmp_path / "holiday.jpg")
    page.get_by_label("Images", exact=True).set_input_files(photo)
    expect(page.get_by_role("img", name="Preview of holiday.jpg")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Holiday in Goa")
    page.get_by_role("textbox", name="Key").fill("camera")
    page.get_by_role("textbox", name="Value").fill("X100V")
    add_operation(page, "Rotate", "Degrees", "33")
    add_operation(page, "Blur", "Radius", "30")
    assert unlabelled_fields(page) == []
    shoot("home-upload")
    page.get_by_role("button", name=re.compile("Process image")).click()
    expect(page).to_have_url(re.compile(r"/tasks/[0-9a-f-]{36}$"))

    # The history page follows the running task: its tag turns `completed` and its thumbnail appears, no reload.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    row = page.locator("tbody tr", has_text="Holiday in Goa")
    tag = row.locator("[data-status-tag]")
    expect(tag).to_have_text(re.compile("queued|processing"))
    page.evaluate("window.stillTheSamePage = true")
    expect(tag).to_have_text("completed", timeout=60_000)
    expect(row.get_by_role("img", name="Result of Holiday in Goa")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True
    shoot("tasks")

    row.get_by_role("link", name="Holiday in Goa").click()
    result = page.get_by_test_id("result-image")
    expect(result).to_be_visible()
    assert result.evaluate("image => image.complete && image.naturalWidth > 0")
    expect(page.get_by_text("Rotate 33° counter-clockwise")).to_be_visible()
    # Before/after with the keyboard alone: the slider is a range input.
    slider = page.get_by_role("slider", name="Share of the processed image shown")
    slider.focus()
    page.keyboard.press("End")
    expect(slider).to_have_attribute("aria-valuetext", "100% after")
    page.keyboard.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", "99% after")
    split = page.locator(".ba-stage").evaluate("stage => stage.style.getPropertyValue('--split')")
    assert split == "99%"
    expect(page.get_by_text("X100V")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.endswith(".jpg")
    assert unlabelled_fields(page) == []
    shoot("task")

    # No credits left: the form says so and leads to buying instead of submitting.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    out_of_credits = page.get_by_test_id("no-credits")
    expect(out_of_credits).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Process image"))).to_have_count(0)
    shoot("home-no-credits")
    out_of_credits.get_by_role("link", name="Buy credits").click()
    expect(page).to_have_url(re.compile(r"/buy$"))
    shoot("buy")

    # The sandbox checkout plays the gateway's part; coming back, the balance and the ledger show the purchase.
    page.get_by_role("button", name=re.compile("^Buy Starter")).click()
    expect(page).to_have_url(re.compile(r"/sandbox/checkout/"))
    shoot("checkout")
    page.get_by_role("button", name="Pay").click()
    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}$"))
    expect(page.get_by_role("status").filter(has_text="Payment received")).to_be_visible()
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"^\s*50\s+credits\s*$"))
    shoot("order")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Buy credits").click()
    expect(page.get_by_role("table", name=re.compile("Your latest orders"))).to_be_visible()
    shoot("buy-orders")  # the orders table fits a phone's width
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ledger").click()
    purchase = page.locator("tbody tr", has_text="Purchase")
    expect(purchase).to_contain_text("+50")
    expect(purchase.get_by_role("link", name=re.compile("^Order"))).to_be_visible()
    shoot("ledger")

    # With credits again: the next task's own page fills in its result when it is done, without a reload.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Upload").click()
    page.get_by_label("Images", exact=True).set_input_files(photo)
    page.get_by_label("Title", exact=True).fill("Second go")
    add_operation(page, "Rotate", "Degrees", "33")
    add_operation(page, "Blur", "Radius", "30")
    page.get_by_label("Title", exact=True).press("Enter")  # the keyboard submits the form
    expect(page.locator("#task-view .page-head [data-status-tag]")).to_have_text(re.compile("queued|processing"))
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Delete").focus()
    expect(page.get_by_test_id("result-image")).to_be_visible(timeout=60_000)
    expect(page.locator("#task-view .page-head [data-status-tag]")).to_have_text("completed")
    assert page.evaluate("window.stillTheSamePage") is True
    # The view was swapped in place: the announcement outlived it and focus stayed on the same button.
    expect(page.locator("[data-live-announcer]")).to_have_text("“Second go” is completed.")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Delete"
    expect(page.get_by_test_id("balance")).to_have_text(re.compile(r"^\s*49\s+credits\s*$"))

    # Deleting asks first; Escape (or Cancel) keeps the task.
    page.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog", name="Delete “Second go”?")
    expect(dialog).to_be_visible()
    shoot("task-delete")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_role("status").filter(has_text="The task and its images were deleted.")).to_be_visible()
    expect(page.locator("tbody tr", has_text="Second go")).to_have_count(0)


def test_log_out_and_in_again(page: Page, shoot: Shoot, expected_errors: list[str]) -> None:
    expected_errors.append("401 /login")
    email = f"bob-{uuid4().hex[:8]}@example.com"
    sign_up(page, email, lambda _: None)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status").filter(has_text="You are logged out.")).to_be_visible()
    page.goto("/ledger")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fledger$"))

    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("That email and password do not match an account.")
    shoot("login-error")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # the keyboard is enough
    expect(page).to_have_url(re.compile(r"/ledger$"))
    expect(page.get_by_role("cell", name="Sign-up bonus")).to_be_visible()
