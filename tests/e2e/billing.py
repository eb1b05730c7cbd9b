"""Billing over HTTP: the `shop` fixture (the harness on the fakes, on SQLite and on PostgreSQL) and its helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.sandbox.gateway import SandboxGateway, SignedWebhook
from application.ports.payment_gateway import GatewayPayment
from entrypoints.harness import build_harness
from tests.e2e.conftest import GENEROUS_LIMITS, Api, on_postgres, on_sqlite, serving

WEBHOOK = "/api/v1/webhooks/razorpay"
STARTER = "7a3c5a10-52f1-4f5e-9c3b-5b1e00000050"


@pytest.fixture(params=["harness", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def shop(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    """The app with the sandbox gateway, on the in-memory fakes, on SQLite and on PostgreSQL."""
    harness = build_harness(**GENEROUS_LIMITS)
    if request.param == "harness":
        async with serving(harness) as client:
            yield client
    elif request.param == "sqlite":
        async with on_sqlite(harness, tmp_path), serving(harness) as client:
            yield client
    else:
        async with on_postgres(harness), serving(harness) as client:
            yield client


def sandbox(api: Api) -> SandboxGateway:
    gateway = api.harness.container.payment_gateway()
    assert isinstance(gateway, SandboxGateway)
    return gateway


async def place(user: Api, plan_id: str = STARTER) -> dict[str, Any]:
    response = await user.post("/api/v1/orders", json={"plan_id": plan_id})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def pay_at_gateway(api: Api, order: dict[str, Any], amount: int | None = None, currency: str | None = None) -> GatewayPayment:
    return sandbox(api).pay(order["gateway_order_id"], amount or order["amount"], currency or order["currency"])


def event(api: Api, kind: str, order: dict[str, Any], payment: GatewayPayment) -> SignedWebhook:
    return sandbox(api).payment_event(kind, order["gateway_order_id"], payment)


async def deliver(
    http: httpx.AsyncClient, body: bytes, signature: str | bytes | None, event_id: str | None = None
) -> httpx.Response:
    headers: dict[str, str | bytes] = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Razorpay-Signature"] = signature
    if event_id is not None:
        headers["X-Razorpay-Event-Id"] = event_id
    return await http.post(WEBHOOK, content=body, headers=headers)


async def deliver_hook(http: httpx.AsyncClient, hook: SignedWebhook) -> httpx.Response:
    return await deliver(http, hook.body, hook.signature, hook.event_id)


async def books(user: Api) -> tuple[int, list[dict[str, Any]]]:
    """The balance and the purchases, after checking the ledger adds up to the balance and never goes negative."""
    balance = (await user.get("/api/v1/credits")).json()["balance"]
    entries = (await user.get("/api/v1/credits/ledger", params={"limit": 100})).json()["items"]
    assert balance >= 0 and balance == sum(e["delta"] for e in entries), (balance, entries)
    return balance, [e for e in entries if e["reason"] == "purchase"]


async def order_of(user: Api, order: dict[str, Any]) -> dict[str, Any]:
    response = await user.get(f"/api/v1/orders/{order['id']}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
