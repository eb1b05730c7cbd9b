"""A purchase start to finish through the sandbox checkout: order, checkout page, Pay, credits. No network at all."""

from __future__ import annotations

from tests.e2e.billing import books, order_of, place, shop
from tests.e2e.conftest import Api

__all__ = ["shop"]


def local(url: str) -> str:
    return url.removeprefix("http://testserver")


async def test_a_purchase_goes_from_order_to_credits_through_the_sandbox_checkout(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)

    page = await shop.http.get(local(order["checkout"]["checkout_url"]), params={"return_to": "/billing?done=1"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "50 credits" in page.text and "INR 99.00" in page.text
    assert "<script" not in page.text and "style=" not in page.text  # the CSP allows neither
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert (await shop.http.get("/sandbox/checkout.css")).headers["content-type"].startswith("text/css")

    paid = await shop.http.post(f"/sandbox/checkout/{order['gateway_order_id']}/pay", data={"return_to": "/billing?done=1"})

    assert paid.status_code == 303 and paid.headers["location"] == "/billing?done=1"
    assert (await order_of(user, order))["status"] == "paid"
    balance, purchases = await books(user)
    assert balance == 60
    assert [(p["delta"], p["order_id"]) for p in purchases] == [(50, order["id"])]
    again = await shop.http.get(local(order["checkout"]["checkout_url"]))
    assert "This order is paid" in again.text and "/pay" not in again.text


async def test_paying_a_paid_order_again_changes_nothing(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    pay = f"/sandbox/checkout/{order['gateway_order_id']}/pay"

    for _ in range(3):
        assert (await shop.http.post(pay, data={})).status_code == 303

    balance, purchases = await books(user)
    assert balance == 60 and len(purchases) == 1


async def test_fail_marks_the_order_failed_and_a_retry_with_pay_still_credits(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    base = f"/sandbox/checkout/{order['gateway_order_id']}"

    failed = await shop.http.post(f"{base}/fail", data={"return_to": "/"})
    assert failed.status_code == 303 and failed.headers["location"] == "/"
    assert (await order_of(user, order))["status"] == "failed"
    assert "pay again" in (await shop.http.get(base)).text
    assert await books(user) == (10, [])

    await shop.http.post(f"{base}/pay", data={})

    assert (await order_of(user, order))["status"] == "paid"
    assert (await books(user))[0] == 60


async def test_the_checkout_only_returns_to_a_path_of_this_site(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    elsewhere = ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "/ok\r\nX: y", ""]

    for return_to in elsewhere:
        response = await shop.http.post(f"/sandbox/checkout/{order['gateway_order_id']}/fail", data={"return_to": return_to})
        assert response.headers["location"] == "/", return_to


async def test_an_unknown_checkout_is_404(shop: Api) -> None:
    assert (await shop.http.get("/sandbox/checkout/order_sbx_nope")).status_code == 404
    assert (await shop.http.post("/sandbox/checkout/order_sbx_nope/pay", data={})).status_code == 404


def metric(text: str, line_start: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start))


async def test_operators_see_captures_and_webhook_outcomes_in_metrics(shop: Api) -> None:
    user = await shop.new_user()
    order = await place(user)
    before = (await shop.http.get("/metrics")).text

    await shop.http.post(f"/sandbox/checkout/{order['gateway_order_id']}/pay", data={})

    after = (await shop.http.get("/metrics")).text
    for line in (
        "pixelmill_payments_captured_total ",
        'pixelmill_webhook_events_total{outcome="already_paid"}',
        'pixelmill_credits_total{reason="purchase"}',
    ):
        assert metric(after, line) - metric(before, line) == (50 if "credits" in line else 1), line
