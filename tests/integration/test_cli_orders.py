"""`pixelmill orders refund` takes back a paid order's credits once and leaves its mark in the audit log."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest

from application.use_cases.billing.capture_credits import CapturePayment
from domain.orders import PaymentSource
from domain.plans import DEFAULT_PLANS
from entrypoints.container import build_container
from entrypoints.settings import load_settings
from tests.integration.test_cli import env, pixelmill, query, sign_up  # noqa: F401 (env is a fixture)

pytestmark = pytest.mark.slow


async def paid_order(env: dict[str, str], email: str) -> UUID:  # noqa: F811
    container = build_container(load_settings(env))
    try:
        [buyer] = (await container.find_users()(email, 1, None)).items
        placed = await container.create_order()(buyer.id, DEFAULT_PLANS[0].id)
        order = placed.order
        await container.capture_credits()(
            CapturePayment(order.id, "pay_cli_1", order.amount, order.currency, PaymentSource.WEBHOOK)
        )
        return order.id
    finally:
        await container.engine().dispose()


async def test_orders_refund_takes_the_credits_back_once_and_audits_it(tmp_path: Path, env: dict[str, str]) -> None:  # noqa: F811
    assert pixelmill(tmp_path, env, "migrate").returncode == 0
    await sign_up(env, "ada@example.com")
    order_id = await paid_order(env, "ada@example.com")
    db = tmp_path / "x.db"
    [(before,)] = query(db, "SELECT credits FROM users")

    run = pixelmill(tmp_path, env, "orders", "refund", str(order_id), "--reason", "customer asked")
    again = pixelmill(tmp_path, env, "orders", "refund", str(order_id), "--reason", "twice")
    no_reason = pixelmill(tmp_path, env, "orders", "refund", str(order_id))

    assert run.returncode == 0, run.stderr
    assert "50 credits taken back, 0 short" in run.stdout
    assert again.returncode == 1 and "already refunded" in again.stderr
    assert no_reason.returncode == 2
    assert query(db, "SELECT credits FROM users") == [(before - 50,)]
    [(action, reason)] = query(db, "SELECT action, reason FROM audit_log")
    assert action == "refund_order" and reason.endswith(": customer asked")
