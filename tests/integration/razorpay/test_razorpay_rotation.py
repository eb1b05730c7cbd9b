"""Webhook secret rotation: Razorpay keeps retrying old events with the secret they were signed with."""

from __future__ import annotations

import uuid

import pytest

from adapters.razorpay.gateway import RazorpayGateway
from entrypoints.settings import load_settings
from tests.e2e.billing import STARTER, books, order_of
from tests.e2e.conftest import Api
from tests.integration.razorpay.conftest import TIMEOUT, send
from tests.support.razorpay_stub import KEY_ID, KEY_SECRET, OLD_WEBHOOK_SECRET, WEBHOOK_SECRET, RazorpayStub


def test_the_secrets_setting_is_read_newest_first_with_the_single_secret_last() -> None:
    settings = load_settings(
        {"PIXELMILL_RAZORPAY_WEBHOOK_SECRETS": " new , old ,", "PIXELMILL_RAZORPAY_WEBHOOK_SECRET": "older"}
    )

    assert settings.webhook_secrets == ("new", "old", "older")
    assert load_settings({}).webhook_secrets == ()


async def test_an_event_signed_with_any_listed_secret_verifies_and_no_other(
    stub: RazorpayStub, gateway: RazorpayGateway
) -> None:
    created = await gateway.create_order(uuid.uuid4(), 9_900, "INR", "Starter")
    payment = stub.pay(created.gateway_order_id)
    current = stub.webhook("payment.captured", payment)
    older = stub.webhook("payment.captured", payment, secret=OLD_WEBHOOK_SECRET)
    unknown = stub.webhook("payment.captured", payment, secret="a-secret-never-configured")
    only_new = RazorpayGateway(KEY_ID, KEY_SECRET, (WEBHOOK_SECRET,), stub.url, timeout=TIMEOUT)

    assert gateway.verify_webhook(current.body, current.signature)
    assert gateway.verify_webhook(older.body, older.signature)
    assert not gateway.verify_webhook(unknown.body, unknown.signature)
    assert not only_new.verify_webhook(older.body, older.signature)
    assert not RazorpayGateway(KEY_ID, KEY_SECRET, ("",), stub.url, TIMEOUT).verify_webhook(b"{}", "")


@pytest.mark.parametrize("secret", [WEBHOOK_SECRET, OLD_WEBHOOK_SECRET], ids=["current", "previous"])
async def test_a_capture_signed_with_the_current_or_previous_secret_pays_the_order(
    shop: Api, stub: RazorpayStub, secret: str
) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()

    status = await send(shop, stub.webhook("payment.captured", stub.pay(order["gateway_order_id"]), secret=secret))

    assert status == 200
    assert (await order_of(user, order))["status"] == "paid"
    assert (await books(user))[0] == 60


async def test_a_capture_signed_with_a_secret_no_longer_listed_is_refused(shop: Api, stub: RazorpayStub) -> None:
    user = await shop.new_user()
    order = (await user.post("/api/v1/orders", json={"plan_id": STARTER})).json()

    hook = stub.webhook("payment.captured", stub.pay(order["gateway_order_id"]), secret="retired-long-ago")

    assert await send(shop, hook) == 400
    assert (await order_of(user, order))["status"] == "created"
