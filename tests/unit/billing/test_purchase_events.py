"""credits.purchased: one event per paid order, written with the grant, whatever repeats the capture."""

from __future__ import annotations

import asyncio
import json

from application.use_cases.billing.capture_credits import CapturePayment
from domain.orders import Order, PaymentSource
from domain.outbound_webhooks import EventType, WebhookEndpoint
from domain.users import User
from tests.unit.billing.conftest import Shop


def capture_of(order: Order, payment_id: str = "pay_1", amount: int | None = None) -> CapturePayment:
    return CapturePayment(order.id, payment_id, order.amount if amount is None else amount, "INR", PaymentSource.WEBHOOK)


async def subscribe(shop: Shop, user: User, *events: EventType) -> None:
    endpoint = WebhookEndpoint(
        id=shop.app.ids.new(), user_id=user.id, url="https://hooks.example.com/in", events=events or tuple(EventType),
        secret="whsec_" + "A" * 44, created_at=shop.app.clock.now(),
    )  # fmt: skip
    async with shop.app.uow() as uow:
        await uow.webhook_endpoints.add_within_limit(endpoint, 20)
        await uow.commit()


def purchase_events(shop: Shop) -> list[dict[str, object]]:
    deliveries = shop.app.database.state.deliveries.values()
    return [json.loads(d.body) for d in deliveries if d.event is EventType.CREDITS_PURCHASED]


async def test_a_paid_order_queues_one_credits_purchased_with_the_order(shop: Shop) -> None:
    user = await shop.app.user()
    await subscribe(shop, user, EventType.CREDITS_PURCHASED)
    order = await shop.order(user)

    await asyncio.gather(*(shop.capture(capture_of(order, payment_id=f"pay_{i}")) for i in range(5)))

    [event] = purchase_events(shop)
    assert event["type"] == "credits.purchased"
    data = event["data"]
    assert isinstance(data, dict) and data["id"] == str(order.id) and data["status"] == "paid"
    assert data["credits"] == order.credits and data["amount"] == order.amount


async def test_a_mismatched_payment_queues_no_purchase_event(shop: Shop) -> None:
    user = await shop.app.user()
    await subscribe(shop, user)
    order = await shop.order(user)

    await shop.capture(capture_of(order, amount=1))

    assert purchase_events(shop) == []
