"""The webhooks and presets pages in Chromium at a phone's width and a desktop's: no sideways spill, no console
error, no serious axe-core finding, the secret shown once with its copy button."""

from __future__ import annotations

import re
from collections.abc import Callable
from uuid import uuid4

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_dashboard import sign_up

pytestmark = [pytest.mark.browser, pytest.mark.slow]

Shoot = Callable[[str], None]
# A long public address: the list, the log and the secret must still fit a 390-px screen.
TARGET = "https://93.184.216.34/hooks/pixelmill/" + "a-rather-long-path-segment/" * 4 + "receive"


def test_a_webhook_endpoint_is_added_its_secret_copied_its_log_seen_and_deleted(page: Page, shoot: Shoot) -> None:
    sign_up(page, f"wh-{uuid4().hex[:8]}@example.com", lambda _: None)
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_text("No endpoints yet.")).to_be_visible()
    shoot("webhooks-empty")

    page.get_by_label("Address", exact=True).fill(TARGET)
    page.get_by_role("checkbox", name=re.compile("Credits were bought")).uncheck()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.get_by_role("textbox", name="New signing secret")
    expect(secret).to_have_value(re.compile(r"^whsec_"))
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied to the clipboard.").or_(page.get_by_text("Selected: press Ctrl+C"))).to_be_visible()
    shoot("webhooks-new")

    page.reload()
    expect(page.get_by_role("textbox", name="New signing secret")).to_have_count(0)
    page.get_by_role("link", name=TARGET).click()
    expect(page.get_by_text("Nothing sent yet.")).to_be_visible()
    shoot("webhook-deliveries")

    page.get_by_role("link", name="← All endpoints").click()
    page.get_by_role("button", name=f"Delete {TARGET}").click()
    expect(page.get_by_role("status").filter(has_text="The webhook endpoint was deleted")).to_be_visible()


def test_a_preset_is_made_with_the_operation_picker_listed_and_deleted(page: Page, shoot: Shoot) -> None:
    sign_up(page, f"pr-{uuid4().hex[:8]}@example.com", lambda _: None)
    page.get_by_role("link", name="Presets").click()
    expect(page.get_by_text("No presets yet.")).to_be_visible()
    shoot("presets-empty")

    page.get_by_label("Name", exact=True).fill("web-thumbs")
    row = page.locator(".op-row").first
    row.get_by_role("combobox", name="Operation").select_option(label="Thumbnail")
    row.get_by_label("Size").fill("256")
    page.get_by_role("button", name="Save preset").click()
    expect(page.get_by_role("status").filter(has_text="The preset was saved")).to_be_visible()
    expect(page.get_by_text("Thumbnail, longest side 256 px")).to_be_visible()
    shoot("presets-one")

    page.get_by_role("button", name="Delete web-thumbs").click()
    expect(page.get_by_role("status").filter(has_text="The preset was deleted")).to_be_visible()
