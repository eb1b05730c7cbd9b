"""Chromium (Debian's, headless) driven by Playwright against `pixelmill serve` on embedded defaults."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from testbed.environment import CHEAP_ARGON2
from tests.support.server import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# axe-core 4.10.3 from npm (`npm pack axe-core@4.10.3`, its axe.min.js as shipped): injected into each page, no network.
AXE = Path(__file__).parent / "support" / "axe.min.js"
SERIOUS = ("serious", "critical")
AXE_URL = "/__tests__/axe.min.js"
VIEWPORTS = {"phone": (390, 844), "desktop": (1440, 900)}
SERVER_ENV = {
    **CHEAP_ARGON2,
    "PIXELMILL_SIGNUP_CREDITS": "1",  # one upload empties the balance: the journey then has to buy credits
    "PIXELMILL_RATE_LIMIT_AUTH": "10000",
    "PIXELMILL_RATE_LIMIT_SUBMIT_BURST": "10000",
    "PIXELMILL_RATE_LIMIT_SUBMIT_SUSTAINED": "10000",
    "PIXELMILL_LOG_LEVEL": "WARNING",
}

expect.set_options(timeout=15_000)


# Module scope, not session: sync Playwright runs an event loop until it stops, and the async tests of the
# other folders need none running.
@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(tmp_path_factory.mktemp("serve"), SERVER_ENV) as url:
        yield url


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (`make test` does it as root)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def expected_errors() -> list[str]:
    """Error responses a test causes on purpose, as "<status> <path>"."""
    return []


@pytest.fixture
def page(browser: Browser, base_url: str, viewport: str, expected_errors: list[str]) -> Iterator[Page]:
    """A fresh browser profile at the viewport's size; fails the test on any console error (a CSP block included)
    and on any error response it did not expect."""
    width, height = VIEWPORTS[viewport]
    context: BrowserContext = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, accept_downloads=True
    )
    context.route(f"**{AXE_URL}", lambda route: route.fulfill(path=AXE, content_type="text/javascript"))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: errors.append(f"{response.status} {response.url.removeprefix(base_url)}")
        if response.status >= 400
        else None,
    )
    yield page
    context.close()
    # "Failed to load resource" names no URL; the error response it reports is listed with its path instead.
    unexpected = [e for e in errors if not e.startswith("Failed to load resource") and e not in expected_errors]
    assert unexpected == [], "the browser reported errors or error responses"


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing spills sideways)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_URL)  # a same-origin script, as the strict CSP allows; the page fixture serves it
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def shoot(page: Page, viewport: str) -> object:
    """Check the page (nothing spills sideways, no serious or critical axe-core finding), then save a full-page
    screenshot as artifacts/screenshots/<viewport>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn where the page was scrolled to
        page.screenshot(path=str(SCREENSHOTS / f"{viewport}-{name}.png"), full_page=True)
        assert horizontal_overflow(page) == 0, f"{name}: the page is wider than the {viewport} window"
        assert serious_violations(page) == [], f"{name}: axe-core found serious or critical violations"

    return shot
