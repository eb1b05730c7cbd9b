"""Razorpay Checkout on the buy page under our Content-Security-Policy, with Razorpay's hosts answered locally.

`pixelmill serve` runs with the Razorpay gateway pointed at the stub. Playwright answers every Razorpay host: a
stand-in checkout.js loads what the real one loads (a script from cdn.razorpay.com, an image from it, telemetry to
lumberjack and lumberjack-metrics, its iframe from api.razorpay.com), then pays and hands its handler the signed
result. Any CSP violation the page reports fails the test, as does any console error (conftest's `page`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from uuid import uuid4

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from adapters.razorpay import signatures
from tests.browser.conftest import SERVER_ENV
from tests.support.razorpay_stub import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, RazorpayStub, razorpay_stub
from tests.support.server import serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "correct horse battery"
RAZORPAY_HOSTS = re.compile(r"^https://[a-z-]+\.razorpay\.com/")
# What the real checkout.js loads besides itself (seen in Razorpay's plugins' CSP reports and allowlist).
SUB_RESOURCES = """
  const risk = document.createElement("script");
  risk.src = "https://cdn.razorpay.com/static/cx/razorpay-risk-detection/bundle.js";
  document.head.appendChild(risk);
  new Image().src = "https://cdn.razorpay.com/static/assets/logo/payment.svg";
  fetch("https://lumberjack.razorpay.com/v1/track", {method: "POST", mode: "no-cors", body: "{}"});
  fetch("https://lumberjack-metrics.razorpay.com/v1/frontend-metrics", {method: "POST", mode: "no-cors", body: "{}"});
"""
# Reports every violation a page of the site reports, to the test, before any of the page's scripts run.
WATCH_CSP = """
  document.addEventListener("securitypolicyviolation", (event) => {
    window.reportCspViolation(event.violatedDirective + " " + event.blockedURI);
  });
"""


@pytest.fixture(scope="module")
def stub() -> Iterator[RazorpayStub]:
    with razorpay_stub() as running:
        yield running


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, stub: RazorpayStub) -> Iterator[str]:
    """Overrides conftest's: `pixelmill serve` selling through Razorpay, that is through the stub."""
    env = {
        **SERVER_ENV,
        "PIXELMILL_PAYMENT_GATEWAY": "razorpay",
        "PIXELMILL_RAZORPAY_KEY_ID": KEY_ID,
        "PIXELMILL_RAZORPAY_KEY_SECRET": KEY_SECRET,
        "PIXELMILL_RAZORPAY_WEBHOOK_SECRETS": WEBHOOK_SECRET,
        "PIXELMILL_RAZORPAY_BASE_URL": stub.url,
    }
    with serving(tmp_path_factory.mktemp("serve-razorpay"), env) as url:
        yield url


class RazorpayHosts:
    """Answers for Razorpay's hosts; checkout.js pays the newest order at the stub, as a buyer would."""

    def __init__(self, stub: RazorpayStub, extra_script: str = "") -> None:
        self.stub = stub
        self.extra_script = extra_script
        self.requested: list[str] = []
        self.violations: list[str] = []

    def __call__(self, route: Route) -> None:
        url = route.request.url
        self.requested.append(url)
        if url.startswith("https://checkout.razorpay.com/v1/checkout.js"):
            route.fulfill(status=200, content_type="application/javascript", body=self.checkout_js())
        elif url.startswith("https://api.razorpay.com/"):
            route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Razorpay</title>")
        elif url.endswith(".svg"):
            svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
            route.fulfill(status=200, content_type="image/svg+xml", body=svg)
        elif url.endswith(".js"):
            route.fulfill(status=200, content_type="application/javascript", body="window.riskChecked = true;")
        else:
            route.fulfill(status=200, content_type="application/json", body="{}")

    def violated(self, report: str) -> None:
        self.violations.append(report)

    def checkout_js(self) -> str:
        order_id = list(self.stub.orders)[-1]  # POST /buy has just created it
        payment = self.stub.pay(order_id)
        result = {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": payment["id"],
            "razorpay_signature": signatures.sign(KEY_SECRET, f"{order_id}|{payment['id']}".encode()),
        }
        return SUB_RESOURCES + self.extra_script + f"""
  window.Razorpay = function (options) {{
    this.on = function () {{}};
    this.open = function () {{
      const frame = document.createElement("iframe");
      frame.src = "https://api.razorpay.com/v1/checkout/public?key_id=" + options.key;
      frame.title = "Razorpay Checkout";
      document.body.appendChild(frame);
      frame.addEventListener("load", () => options.handler({json.dumps(result)}));
    }};
  }};
"""


def sign_up_and_buy(page: Page, hosts: RazorpayHosts) -> None:
    page.context.route(RAZORPAY_HOSTS, hosts)
    page.context.expose_function("reportCspViolation", hosts.violated)  # kept across navigations
    page.context.add_init_script(WATCH_CSP)
    page.goto("/signup")
    page.get_by_label("Email").fill(f"buyer-{uuid4().hex[:8]}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status").filter(has_text="Welcome")).to_be_visible()
    page.goto("/buy")
    page.get_by_role("button", name=re.compile("^Buy Starter")).click()


def test_checkout_loads_everything_razorpay_loads_and_pays_with_no_csp_violation(
    page: Page, stub: RazorpayStub
) -> None:
    hosts = RazorpayHosts(stub)

    sign_up_and_buy(page, hosts)

    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]{36}$"))
    expect(page.get_by_text("Payment received: 50 credits")).to_be_visible()
    assert hosts.violations == []
    hosts_seen = {url.split("/")[2] for url in hosts.requested}
    assert hosts_seen == {
        "checkout.razorpay.com",
        "cdn.razorpay.com",
        "api.razorpay.com",
        "lumberjack.razorpay.com",
        "lumberjack-metrics.razorpay.com",
    }


def test_a_host_razorpay_does_not_document_is_blocked_and_reported(
    browser: Browser, base_url: str, stub: RazorpayStub
) -> None:
    """The watch can fail: the same page, whose stand-in also reaches for an undocumented host."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    extra = 'fetch("https://undocumented.razorpay.com/collect", {method: "POST", mode: "no-cors"}).catch(() => {});'
    hosts = RazorpayHosts(stub, extra)
    try:
        sign_up_and_buy(page, hosts)
        expect(page.get_by_text("Payment received: 50 credits")).to_be_visible()
    finally:
        context.close()

    assert hosts.violations == ["connect-src https://undocumented.razorpay.com/collect"]
