"""Pixelmill against the Razorpay stub: the adapter alone, and the app configured for Razorpay over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from adapters.razorpay.gateway import RazorpayGateway
from entrypoints.harness import build_harness
from tests.e2e.billing import deliver
from tests.e2e.conftest import GENEROUS_LIMITS, Api, serving
from tests.support.razorpay_stub import (
    KEY_ID,
    KEY_SECRET,
    OLD_WEBHOOK_SECRET,
    WEBHOOK_SECRET,
    Delivery,
    RazorpayStub,
    razorpay_stub,
)

TIMEOUT = 2.0


@pytest.fixture
def stub() -> Iterator[RazorpayStub]:
    with razorpay_stub() as running:
        yield running


@pytest.fixture
def gateway(stub: RazorpayStub) -> RazorpayGateway:
    return RazorpayGateway(KEY_ID, KEY_SECRET, (WEBHOOK_SECRET, OLD_WEBHOOK_SECRET), stub.url, timeout=TIMEOUT)


@pytest.fixture
async def shop(stub: RazorpayStub) -> AsyncIterator[Api]:
    """The app configured for Razorpay (its secret just rotated), its base URL pointed at the stub."""
    harness = build_harness(
        payment_gateway="razorpay",
        razorpay_key_id=KEY_ID,
        razorpay_key_secret=KEY_SECRET,
        razorpay_webhook_secrets=f"{WEBHOOK_SECRET},{OLD_WEBHOOK_SECRET}",
        razorpay_base_url=stub.url,
        razorpay_timeout_seconds=TIMEOUT,
        order_reconcile_after_seconds=0,
        **GENEROUS_LIMITS,
    )
    async with serving(harness) as client:
        yield client


async def send(api: Api, hook: Delivery) -> int:
    """Post a webhook as Razorpay does; the status code."""
    return (await deliver(api.http, hook.body, hook.signature, hook.event_id)).status_code
