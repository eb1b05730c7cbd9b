"""Billing on fakes: the unit-test bootstrap plus the sandbox gateway (real signatures) and every billing use case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from dependency_injector import providers

from adapters.sandbox.gateway import SandboxGateway, SignedWebhook
from application.ports.payment_gateway import GatewayOrder, GatewayPayment, GatewayRefund
from application.use_cases.billing.handle_webhook import WebhookDelivery
from application.use_cases.billing.verify_checkout import VerifyCheckoutCommand
from domain.errors import GatewayFailed
from domain.orders import Order
from domain.plans import DEFAULT_PLANS, Plan
from domain.users import User
from tests.unit.conftest import SETTINGS, Bootstrap

KEY_SECRET = "unit-key-secret"
WEBHOOK_SECRET = "unit-webhook-secret"
STARTER = DEFAULT_PLANS[0]
RECONCILE_AFTER = timedelta(seconds=SETTINGS.order_reconcile_after_seconds)
ABANDON_AFTER = timedelta(seconds=SETTINGS.order_abandon_after_seconds)
REFUND_WINDOW = timedelta(seconds=SETTINGS.order_refund_check_seconds)


class FlakyGateway(SandboxGateway):
    """The sandbox, told to fail: creating orders, or answering about payments."""

    def __init__(self) -> None:
        super().__init__(KEY_SECRET, WEBHOOK_SECRET)
        self.failing = False
        self.answers_lost = False  # refunds are made, but the answer is lost (a timeout after the fact)
        self.refund_calls = 0
        self.created: list[UUID] = []

    async def create_order(self, order_id: UUID, amount: int, currency: str, description: str) -> GatewayOrder:
        if self.failing:
            raise GatewayFailed("the gateway timed out")
        self.created.append(order_id)
        return await super().create_order(order_id, amount, currency, description)

    async def fetch_order_payments(self, gateway_order_id: str) -> list[GatewayPayment]:
        if self.failing:
            raise GatewayFailed("the gateway timed out")
        return await super().fetch_order_payments(gateway_order_id)

    async def refund(
        self, payment_id: str, amount: int, currency: str, idempotency_key: str, receipt: str, notes: dict[str, str]
    ) -> GatewayRefund:
        if self.failing:
            raise GatewayFailed("the gateway timed out")
        self.refund_calls += 1
        made = await super().refund(payment_id, amount, currency, idempotency_key, receipt, notes)
        if self.answers_lost:
            raise GatewayFailed("the gateway's answer never arrived")  # it refunded all the same
        return made


@dataclass
class Shop:
    """Billing use cases over one Bootstrap, with helpers that speak the gateway's language."""

    app: Bootstrap
    gateway: FlakyGateway = field(default_factory=FlakyGateway)

    def __post_init__(self) -> None:
        container = self.app.container
        container.payment_gateway.override(providers.Object(self.gateway))
        self.list_plans = container.list_plans()
        self.add_plan = container.add_plan()
        self.disable_plan = container.disable_plan()
        self.create_order = container.create_order()
        self.list_orders = container.list_orders()
        self.get_order = container.get_order()
        self.checkout_order = container.checkout_order()
        self.capture = container.capture_credits()
        self.verify_checkout = container.verify_checkout()
        self.handle_webhook = container.handle_webhook()
        self.reconcile = container.reconcile_orders()

    @property
    def state(self) -> Any:
        return self.app.database.state

    async def order(self, user: User, plan: Plan = STARTER) -> Order:
        return (await self.create_order(user.id, plan.id)).order

    def paid(self, order: Order, amount: int | None = None, currency: str | None = None) -> GatewayPayment:
        """A payment the buyer made at the gateway (the order's amount unless told otherwise)."""
        return self.gateway.pay(order.gateway_order_id, amount or order.amount, currency or order.currency)

    def event(self, kind: str, order: Order, payment: GatewayPayment | None = None, **extra: Any) -> SignedWebhook:
        return self.gateway.payment_event(kind, order.gateway_order_id, payment or self.paid(order), **extra)

    async def deliver(self, hook: SignedWebhook, event_id: str | None = "same", signature: str | None = None) -> Any:
        """Deliver a signed body; event_id "same" keeps the hook's own id."""
        chosen = hook.event_id if event_id == "same" else event_id
        sent = hook.signature if signature is None else signature
        return await self.handle_webhook(WebhookDelivery(hook.body, sent, chosen))

    async def verify(self, user: User, order: Order, payment: GatewayPayment, signature: str | None = None) -> Order:
        if signature is None:
            signature = self.gateway.sign_checkout(order.gateway_order_id, payment.payment_id)
        return await self.verify_checkout(
            VerifyCheckoutCommand(user.id, order.id, order.gateway_order_id, payment.payment_id, signature)
        )

    def stored_order(self, order: Order) -> Order:
        return self.state.orders[order.id]

    def purchases(self, user: User) -> list[Any]:
        return [e for e in self.app.ledger(user) if e.reason == "purchase"]


@pytest.fixture
def shop(make_app: Callable[..., Bootstrap]) -> Shop:
    return Shop(make_app())
