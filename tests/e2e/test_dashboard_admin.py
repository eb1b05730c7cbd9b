"""The admin area in the dashboard: users found and paged, an account disabled and enabled, credits moved, an order
refunded after a confirm step, the audit log paged; a 404 page to everyone but an admin."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from application.use_cases.sign_up import SignUpCommand
from domain.errors import GatewayFailed
from entrypoints.http.dashboard.admin_user_page import RECENT
from tests.e2e.billing import STARTER, deliver_hook
from tests.e2e.dashboard_client import PASSWORD, Site, Visitor, text_of
from tests.e2e.dashboard_stores import STORES, dashboard_on

NOWHERE = "00000000-0000-0000-0000-000000000001"


@pytest.fixture(params=STORES)
async def site(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Site]:
    async with dashboard_on(request.param, tmp_path, rate_limit_account=10_000) as site:
        yield site


@pytest.fixture
async def admin(site: Site) -> Visitor:
    admin = await site.visitor().sign_up()
    await site.harness.container.promote_user()(admin.email, "tests")
    await admin.get("/admin")
    return admin


@pytest.fixture
async def user(site: Site) -> Visitor:
    return await site.visitor().sign_up()


async def audit_actions(site: Site) -> list[str]:
    return [entry.action.value for entry in (await site.harness.container.list_audit()(100, None)).items]


async def paid_order(site: Site, buyer: Visitor) -> dict[str, Any]:
    """An order paid at the sandbox gateway, its credits granted, placed through the API as the buyer."""
    login = await buyer.http.post("/api/v1/auth/login", json={"email": buyer.email, "password": PASSWORD})
    bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    order = (await buyer.http.post("/api/v1/orders", json={"plan_id": STARTER}, headers=bearer)).json()
    gateway = site.harness.container.payment_gateway()
    payment = gateway.pay(order["gateway_order_id"], order["amount"], order["currency"])
    hook = gateway.payment_event("payment.captured", order["gateway_order_id"], payment)
    assert (await deliver_hook(buyer.http, hook)).status_code == 200
    return order  # type: ignore[no-any-return]


async def test_the_admin_link_and_pages_are_a_404_page_to_everyone_but_an_admin(site: Site, admin: Visitor, user: Visitor) -> None:
    target = await user.user_id()
    stranger = site.visitor()
    await user.get("/")
    pages = [
        "/admin", f"/admin/users/{target}", "/admin/audit", f"/admin/users/{target}/orders",
        f"/admin/users/{target}/orders/{NOWHERE}/refund",
    ]

    for visitor in (user, stranger):
        for path in pages:
            response = await visitor.get(path)
            assert response.status_code == 404 and "text/html" in response.headers["content-type"], path
            assert "Not found" in text_of(response)
        posted = await visitor.post(f"/admin/users/{target}/credits", {"delta": "100", "reason": "free money"})
        assert posted.status_code == 404
    assert 'href="/admin"' not in (await user.get("/")).text
    assert 'href="/admin"' in (await admin.get("/")).text
    assert await user.balance() == 10 and await audit_actions(site) == ["promote"]


async def test_users_are_found_by_part_of_their_address_and_paged(site: Site, admin: Visitor) -> None:
    for n in range(30):
        await site.harness.container.sign_up()(SignUpCommand(f"paged-{n:02d}@crowd.example", PASSWORD))

    first = await admin.get("/admin", params={"email": "CROWD.example"})
    older = await admin.get("/admin", params={"email": "crowd.example", "cursor": _cursor(first.text)})
    nobody = await admin.get("/admin", params={"email": "no-such-person"})

    listed = [f"paged-{n:02d}@crowd.example" for n in range(30)]
    shown = [address for address in listed if address in first.text]
    assert first.status_code == 200 and len(shown) == 25 and admin.email not in text_of(first).split("Log out")[1]
    assert sorted(shown + [a for a in listed if a in older.text]) == listed
    assert "Older" not in older.text
    assert "No users match “no-such-person”" in text_of(nobody)


def _cursor(page: str) -> str:
    start = page.index("cursor=") + len("cursor=")
    return page[start:page.index('"', start)].replace("&amp;", "&").split("&")[0]


@pytest.mark.parametrize("site", ["harness"], indirect=True)
@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"email": "x" * 5000}, "must have at most 254 characters"),
        ({"email": "nul\x00byte"}, "Find users by e-mail"),
        ({"cursor": "not-a-cursor"}, "That page link is not valid"),
    ],
)
async def test_a_hostile_search_is_a_page_in_words(admin: Visitor, params: dict[str, str], words: str) -> None:
    response = await admin.get("/admin", params=params)

    assert 400 <= response.status_code < 500 and "text/html" in response.headers["content-type"]
    assert words in text_of(response) and "x" * 300 not in response.text


async def test_an_account_is_disabled_with_a_reason_refused_at_once_and_enabled_again(site: Site, admin: Visitor, user: Visitor) -> None:
    target = await user.user_id()
    await admin.get(f"/admin/users/{target}")

    no_reason = await admin.post(f"/admin/users/{target}/disable", {"reason": "   "})
    disabled = await admin.post(f"/admin/users/{target}/disable", {"reason": "chargeback fraud"})
    shown = await admin.get(disabled.headers["location"])
    locked_out = await user.get("/")
    enabled = await admin.post(f"/admin/users/{target}/enable", {"reason": "cleared"})

    assert no_reason.status_code == 422 and "must have 1 to 500 characters" in text_of(no_reason)
    assert disabled.status_code == 303 and "The account is disabled" in text_of(shown) and "Enable account" in shown.text
    assert locked_out.status_code == 303 and locked_out.headers["location"].startswith("/login")
    assert enabled.status_code == 303 and (await site.harness.container.get_user()(target)).disabled_at is None
    assert await audit_actions(site) == ["enable", "disable", "promote"]


async def test_an_admin_cannot_disable_their_own_account_and_is_told_why(site: Site, admin: Visitor) -> None:
    me = await admin.user_id()

    own_page = await admin.get(f"/admin/users/{me}")
    refused = await admin.post(f"/admin/users/{me}/disable", {"reason": "oops"})

    assert "you cannot" in text_of(own_page) and f'action="/admin/users/{me}/disable"' not in own_page.text
    assert refused.status_code == 422 and "an admin cannot disable their own account" in text_of(refused)
    assert (await admin.get("/admin")).status_code == 200


async def test_credits_are_granted_and_taken_with_a_reason_never_below_zero(site: Site, admin: Visitor, user: Visitor) -> None:
    target = await user.user_id()

    granted = await admin.post(f"/admin/users/{target}/credits", {"delta": "+50", "reason": "goodwill"})
    taken = await admin.post(f"/admin/users/{target}/credits", {"delta": "−20", "reason": "duplicate grant"})
    too_much = await admin.post(f"/admin/users/{target}/credits", {"delta": "-1000", "reason": "all of it"})
    page = await admin.get(f"/admin/users/{target}")

    assert granted.status_code == taken.status_code == 303
    assert too_much.status_code == 422 and "would take the balance below zero" in text_of(too_much)
    assert await user.balance() == 40
    assert "40 credits" in text_of(page) and "Taken back by an administrator" in text_of(page)
    assert await audit_actions(site) == ["debit_credits", "grant_credits", "promote"]


@pytest.mark.parametrize("site", ["harness"], indirect=True)
@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"delta": "lots", "reason": "x"}, "must be a whole number of credits"),
        ({"delta": "9" * 5000, "reason": "x"}, "must be a whole number of credits"),
        ({"delta": "0", "reason": "x"}, "must be a non-zero number of credits"),
        ({"delta": "5", "reason": ""}, "must have 1 to 500 characters"),
        ({"delta": "5", "reason": "r" * 100_000}, "must have 1 to 500 characters"),
        ({"delta": "5", "reason": "nul\x00byte"}, "Reason"),
        ({"delta": "5"}, "must have 1 to 500 characters"),
    ],
)
async def test_a_refused_credit_move_is_said_on_the_user_page_and_moves_nothing(
    site: Site, admin: Visitor, user: Visitor, fields: dict[str, str], words: str
) -> None:
    target = await user.user_id()

    refused = await admin.post(f"/admin/users/{target}/credits", fields)

    assert refused.status_code == 422 and "text/html" in refused.headers["content-type"]
    assert words in text_of(refused) and 'aria-invalid="true"' in refused.text
    assert "r" * 600 not in refused.text and "9" * 600 not in refused.text
    assert await user.balance() == 10 and await audit_actions(site) == ["promote"]


async def test_an_order_is_refunded_after_a_confirm_step_once(site: Site, admin: Visitor, user: Visitor) -> None:
    target = await user.user_id()
    order = await paid_order(site, user)
    bought = await user.balance()
    page = await admin.get(f"/admin/users/{target}")
    confirm_path = f"/admin/users/{target}/orders/{order['id']}/refund"

    confirm = await admin.get(confirm_path)
    no_reason = await admin.post(confirm_path, {"reason": ""})
    refunded = await admin.post(confirm_path, {"reason": "customer asked"})
    again = await admin.post(confirm_path, {"reason": "double click"})

    assert f'href="{confirm_path}"' in page.text
    assert confirm.status_code == 200 and "Refund this order?" in text_of(confirm) and bought == 10 + order["credits"]
    assert no_reason.status_code == 422 and "must have 1 to 500 characters" in text_of(no_reason)
    assert refunded.status_code == 303 and refunded.headers["location"] == f"/admin/users/{target}?notice=order-refunded"
    assert again.status_code == 409 and "an operator already refunded this order" in text_of(again)
    assert await user.balance() == 10
    assert (await audit_actions(site)).count("refund_order") == 1


async def test_an_order_older_than_the_user_pages_recent_ten_is_found_on_the_paged_orders_page(
    site: Site, admin: Visitor, user: Visitor
) -> None:
    target = await user.user_id()
    orders = [await paid_order(site, user) for _ in range(RECENT + 1)]
    oldest_refund = f"/admin/users/{target}/orders/{orders[0]['id']}/refund"

    summary = await admin.get(f"/admin/users/{target}")
    listed = await admin.get(f"/admin/users/{target}/orders")
    bad = await admin.get(f"/admin/users/{target}/orders", params={"cursor": "garbage"})

    assert oldest_refund not in summary.text and f'href="/admin/users/{target}/orders"' in summary.text
    assert listed.status_code == 200 and oldest_refund in listed.text
    assert all(f"/orders/{order['id']}/refund" in listed.text for order in orders)
    assert bad.status_code == 422 and "That page link is not valid" in text_of(bad)


async def test_another_users_order_or_an_unknown_one_is_a_404_page(site: Site, admin: Visitor, user: Visitor) -> None:
    order = await paid_order(site, user)
    other = await site.visitor().sign_up()

    mismatched = await admin.get(f"/admin/users/{await other.user_id()}/orders/{order['id']}/refund")
    unknown_user = await admin.get(f"/admin/users/{NOWHERE}")
    refund_elsewhere = await admin.post(f"/admin/users/{await other.user_id()}/orders/{order['id']}/refund", {"reason": "x"})

    assert mismatched.status_code == unknown_user.status_code == refund_elsewhere.status_code == 404
    assert "text/html" in unknown_user.headers["content-type"]
    assert (await audit_actions(site)).count("refund_order") == 0


async def test_the_audit_log_names_who_did_what_to_whom_and_why_paged(site: Site, admin: Visitor, user: Visitor) -> None:
    target = await user.user_id()
    for n in range(55):
        await site.harness.container.adjust_credits()(str(await admin.user_id()), target, 1, f"step {n}")

    first = await admin.get("/admin/audit")
    older = await admin.get("/admin/audit", params={"cursor": _cursor(first.text)})
    bad = await admin.get("/admin/audit", params={"cursor": "garbage"})

    assert first.status_code == 200 and "granted credits" in text_of(first) and "+1: step 54" in text_of(first)
    assert user.email in text_of(first) and admin.email in text_of(first)
    assert "+1: step 54" not in text_of(older) and "+1: step 0" in text_of(older) and "made admin" in text_of(older)
    assert bad.status_code == 422 and "That page link is not valid" in text_of(bad)


@pytest.mark.parametrize("site", ["harness"], indirect=True)
@pytest.mark.parametrize("action", ["disable", "enable", "credits"])
async def test_an_admin_form_without_its_csrf_token_is_refused_and_changes_nothing(
    site: Site, admin: Visitor, user: Visitor, action: str
) -> None:
    target = await user.user_id()

    refused = await admin.post(f"/admin/users/{target}/{action}", {"delta": "5", "reason": "r"}, csrf=False)

    assert refused.status_code == 403 and "That form has expired" in text_of(refused)
    assert await user.balance() == 10 and await audit_actions(site) == ["promote"]


async def test_a_refund_without_its_csrf_token_is_refused(site: Site, admin: Visitor, user: Visitor) -> None:
    order = await paid_order(site, user)

    refused = await admin.post(f"/admin/users/{await user.user_id()}/orders/{order['id']}/refund", {"reason": "r"}, csrf=False)

    assert refused.status_code == 403 and (await audit_actions(site)).count("refund_order") == 0


async def test_a_disabled_admin_loses_the_area_at_once(site: Site, admin: Visitor) -> None:
    second = await site.visitor().sign_up()
    await site.harness.container.promote_user()(second.email, "tests")
    await second.get("/admin")

    await second.post(f"/admin/users/{await admin.user_id()}/disable", {"reason": "left the company"})

    assert (await admin.get("/admin")).status_code == 404


async def test_a_gateway_failure_says_the_money_is_pending_and_the_same_form_retries_it(
    site: Site, admin: Visitor, user: Visitor
) -> None:
    target = await user.user_id()
    order = await paid_order(site, user)
    confirm_path = f"/admin/users/{target}/orders/{order['id']}/refund"
    gateway = site.harness.container.payment_gateway()
    working = gateway.refund

    async def down(*args: object, **kwargs: object) -> object:
        raise GatewayFailed("the gateway timed out")

    gateway.refund = down
    pending = await admin.post(confirm_path, {"reason": "customer asked"})
    gateway.refund = working
    retried = await admin.post(confirm_path, {"reason": "retry"})

    assert pending.status_code == 502 and "The money refund is pending" in text_of(pending)
    assert "credits were taken back" in text_of(pending)
    assert retried.status_code == 303 and retried.headers["location"].endswith("?notice=order-refunded")
    assert [len(refunds) for refunds in gateway.refunds.values()] == [1]
    assert await user.balance() == 10
