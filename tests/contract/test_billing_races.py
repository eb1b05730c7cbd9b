"""Bad input and races of the payment flow, through the real use cases, on the fake, SQLite and PostgreSQL.

Every case ends with the buyer's ledger reconciling with their balance.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from uuid import UUID

import pytest

from adapters.memory.clock import FixedClock
from adapters.memory.metrics import MemoryMetrics
from adapters.sandbox.gateway import SandboxGateway, SignedWebhook
from adapters.system import RandomIds
from application.ports.payment_gateway import GatewayPayment
from application.use_cases.billing.capture_credits import CaptureCredits
from application.use_cases.billing.create_order import CreateOrder
from application.use_cases.billing.handle_webhook import HandleWebhook, WebhookDelivery
from application.use_cases.billing.reverse_purchase import ReversePurchase
from application.use_cases.billing.verify_checkout import VerifyCheckout, VerifyCheckoutCommand
from domain.credits import Reason, reconciles
from domain.errors import BadRequest, InvalidSignature, InsufficientCredits, PlanNotFound
from domain.orders import Order, OrderStatus
from domain.plans import DEFAULT_PLANS
from domain.webhooks import WebhookOutcome
from tests.contract.builders import UowFactory, a_user, given

STARTER = DEFAULT_PLANS[0]
BONUS = 10


@dataclass
class Shop:
    new_uow: UowFactory
    gateway: SandboxGateway = field(default_factory=lambda: SandboxGateway("contract-key", "contract-webhook"))
    clock: FixedClock = field(default_factory=FixedClock)

    def __post_init__(self) -> None:
        ids, metrics = RandomIds(), MemoryMetrics()
        self.capture = CaptureCredits(self.new_uow, self.clock, ids, metrics)
        self.create_order = CreateOrder(self.new_uow, self.gateway, self.clock, ids)
        self.verify_checkout = VerifyCheckout(self.new_uow, self.gateway, self.capture)
        self.handle_webhook = HandleWebhook(
            self.new_uow, self.gateway, self.capture, ReversePurchase(self.clock, ids), self.clock, ids, metrics
        )

    async def buyer(self) -> UUID:
        user = a_user()
        await given(self.new_uow, user)
        async with self.new_uow() as uow:
            await uow.credits.grant(user.id, BONUS, Reason.SIGNUP_BONUS, uuid.uuid4(), self.clock.now())
            await uow.commit()
        return user.id

    async def order(self, user_id: UUID) -> Order:
        return (await self.create_order(user_id, STARTER.id)).order

    def captured(
        self, order: Order, amount: int | None = None, currency: str = "INR"
    ) -> tuple[GatewayPayment, SignedWebhook]:
        """A payment at the gateway and its payment.captured webhook, signed."""
        payment = self.gateway.pay(order.gateway_order_id, amount or order.amount, currency)
        return payment, self.gateway.payment_event("payment.captured", order.gateway_order_id, payment)

    async def deliver(self, body: bytes, signature: str | None, event_id: str | None = None) -> WebhookOutcome:
        return await self.handle_webhook(WebhookDelivery(body, signature, event_id))

    async def verify(self, user_id: UUID, order: Order, payment: GatewayPayment) -> Order:
        signature = self.gateway.sign_checkout(order.gateway_order_id, payment.payment_id)
        command = VerifyCheckoutCommand(user_id, order.id, order.gateway_order_id, payment.payment_id, signature)
        return await self.verify_checkout(command)

    async def books(self, user_id: UUID) -> tuple[int, list[int]]:
        """The balance and the purchase deltas, after checking that the ledger adds up to the balance."""
        async with self.new_uow() as uow:
            balance = await uow.credits.balance(user_id)
            entries = (await uow.credits.ledger(user_id, 100, None)).items
        assert reconciles(balance, entries), (balance, entries)
        return balance, [e.delta for e in entries if e.reason == Reason.PURCHASE]

    async def status(self, order: Order) -> OrderStatus:
        async with self.new_uow() as uow:
            stored = await uow.orders.get(order.id)
        assert stored is not None
        return stored.status

    async def stored_event(self, event_id: str) -> object:
        async with self.new_uow() as uow:
            return await uow.webhook_events.get(self.gateway.name, event_id)


@pytest.fixture
def shop(uow_factory: UowFactory) -> Shop:
    return Shop(uow_factory)


@pytest.mark.parametrize(
    "signature",
    [None, "", "0" * 64, "truncated", "tampered-body"],
    ids=["missing", "empty", "wrong", "truncated", "tampered-body"],
)
async def test_a_bad_signature_is_refused_and_changes_nothing(shop: Shop, signature: str | None) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    _, hook = shop.captured(order)
    body = hook.body
    if signature == "truncated":
        signature = hook.signature[:-8]
    elif signature == "tampered-body":
        signature, body = hook.signature, hook.body.replace(b'"status":"captured"', b'"status":"captured" ')

    with pytest.raises(InvalidSignature):
        await shop.deliver(body, signature, hook.event_id)

    assert await shop.status(order) is OrderStatus.CREATED
    assert await shop.books(user_id) == (BONUS, [])
    assert await shop.stored_event(hook.event_id) is None


async def test_a_validly_signed_body_that_is_not_json_is_a_bad_request(shop: Shop) -> None:
    body = b"<xml>not json</xml>"

    with pytest.raises(BadRequest):
        await shop.deliver(body, shop.gateway.signed(body).signature, "evt_xml")

    assert await shop.stored_event("evt_xml") is None


async def test_a_replayed_event_then_twenty_concurrent_deliveries_grant_once(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    _, hook = shop.captured(order)

    replays = [await shop.deliver(hook.body, hook.signature, hook.event_id) for _ in range(5)]
    concurrent = await asyncio.gather(*(shop.deliver(hook.body, hook.signature, hook.event_id) for _ in range(20)))

    assert replays == [WebhookOutcome.CAPTURED] + [WebhookOutcome.DUPLICATE] * 4
    assert set(concurrent) == {WebhookOutcome.DUPLICATE}
    assert await shop.books(user_id) == (BONUS + 50, [50])
    stored = await shop.stored_event(hook.event_id)
    assert getattr(stored, "deliveries") == 25


async def test_twenty_concurrent_first_deliveries_of_one_event_grant_once(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    _, hook = shop.captured(order)

    outcomes = await asyncio.gather(*(shop.deliver(hook.body, hook.signature, hook.event_id) for _ in range(20)))

    assert outcomes.count(WebhookOutcome.CAPTURED) == 1 and outcomes.count(WebhookOutcome.DUPLICATE) == 19
    assert await shop.books(user_id) == (BONUS + 50, [50])


async def test_order_paid_payment_captured_and_verify_at_once_grant_once(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    payment, captured = shop.captured(order)
    paid = shop.gateway.payment_event("order.paid", order.gateway_order_id, payment)

    outcomes = await asyncio.gather(
        shop.deliver(paid.body, paid.signature, paid.event_id),
        shop.deliver(captured.body, captured.signature, captured.event_id),
        shop.verify(user_id, order, payment),
    )

    assert outcomes[2].status is OrderStatus.PAID
    assert await shop.books(user_id) == (BONUS + 50, [50])


async def test_many_capture_events_and_verify_calls_for_one_order_at_once_grant_once(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    payment, _ = shop.captured(order)
    kinds = ["order.paid", "payment.captured"] * 5
    hooks = [shop.gateway.payment_event(kind, order.gateway_order_id, payment) for kind in kinds]

    await asyncio.gather(
        *(shop.deliver(h.body, h.signature, h.event_id) for h in hooks),
        *(shop.verify(user_id, order, payment) for _ in range(5)),
    )

    assert await shop.books(user_id) == (BONUS + 50, [50])


@pytest.mark.parametrize(("amount", "currency"), [(9_800, "INR"), (9_900, "USD")], ids=["amount", "currency"])
async def test_a_payment_of_another_amount_or_currency_grants_nothing(shop: Shop, amount: int, currency: str) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    _, hook = shop.captured(order, amount=amount, currency=currency)

    outcome = await shop.deliver(hook.body, hook.signature, hook.event_id)

    assert outcome is WebhookOutcome.MISMATCH
    assert await shop.status(order) is OrderStatus.CREATED
    assert await shop.books(user_id) == (BONUS, [])


async def test_an_event_for_an_unknown_order_is_acknowledged_and_changes_nothing(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    stranger = Order(**{**order.__dict__, "gateway_order_id": "order_sbx_unknown"})
    _, hook = shop.captured(stranger)

    assert await shop.deliver(hook.body, hook.signature, hook.event_id) is WebhookOutcome.UNKNOWN_ORDER
    assert getattr(await shop.stored_event(hook.event_id), "outcome") is WebhookOutcome.UNKNOWN_ORDER
    assert await shop.status(order) is OrderStatus.CREATED
    assert await shop.books(user_id) == (BONUS, [])


async def test_an_event_for_an_order_of_another_gateway_is_acknowledged_and_changes_nothing(shop: Shop) -> None:
    user_id = await shop.buyer()
    razorpay_order = Order(
        uuid.uuid4(), user_id, STARTER.id, 50, 9_900, "INR", "razorpay", "order_Rzp0000000001", shop.clock.now()
    )
    async with shop.new_uow() as uow:
        await uow.orders.add(razorpay_order)
        await uow.commit()
    _, hook = shop.captured(razorpay_order)  # signed by the sandbox, which is the configured gateway

    assert await shop.deliver(hook.body, hook.signature, hook.event_id) is WebhookOutcome.UNKNOWN_ORDER
    assert await shop.status(razorpay_order) is OrderStatus.CREATED
    assert await shop.books(user_id) == (BONUS, [])


async def test_an_unknown_or_disabled_plan_is_not_found_and_stores_nothing(shop: Shop) -> None:
    user_id = await shop.buyer()
    async with shop.new_uow() as uow:
        await uow.plans.disable(STARTER.id)
        await uow.commit()

    for plan_id in (uuid.uuid4(), STARTER.id):
        with pytest.raises(PlanNotFound):
            await shop.create_order(user_id, plan_id)

    async with shop.new_uow() as uow:
        assert (await uow.orders.list(user_id, 10, None)).items == []
    assert await shop.books(user_id) == (BONUS, [])


async def test_concurrent_deliveries_of_one_refund_under_new_ids_reverse_once(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    payment, hook = shop.captured(order)
    await shop.deliver(hook.body, hook.signature, hook.event_id)
    refund = shop.gateway.refund_event(order.gateway_order_id, payment, 9_900)

    outcomes = await asyncio.gather(*(shop.deliver(refund.body, refund.signature, f"evt_{i}") for i in range(10)))

    assert outcomes.count(WebhookOutcome.REFUNDED) == 1
    assert await shop.books(user_id) == (BONUS, [50])


async def test_concurrent_partial_refunds_of_one_order_reverse_in_proportion_and_no_more(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    payment, hook = shop.captured(order)
    await shop.deliver(hook.body, hook.signature, hook.event_id)
    thirds = [shop.gateway.refund_event(order.gateway_order_id, payment, 3_300) for _ in range(3)]

    await asyncio.gather(*(shop.deliver(r.body, r.signature, r.event_id) for r in thirds))

    async with shop.new_uow() as uow:
        entries = (await uow.credits.ledger(user_id, 100, None)).items
    assert sorted(e.delta for e in entries if e.reason == Reason.PURCHASE_REVERSAL) == [-17, -17, -16]
    assert await shop.books(user_id) == (BONUS, [50])


async def test_a_refund_racing_with_spending_never_takes_the_balance_below_zero(shop: Shop) -> None:
    user_id = await shop.buyer()
    order = await shop.order(user_id)
    payment, hook = shop.captured(order)
    await shop.deliver(hook.body, hook.signature, hook.event_id)
    refund = shop.gateway.refund_event(order.gateway_order_id, payment, 9_900)

    async def spend() -> None:
        async with shop.new_uow() as uow:
            try:
                await uow.credits.spend(user_id, 1, Reason.TASK_CHARGE, uuid.uuid4(), shop.clock.now(), task_id=uuid.uuid4())
            except InsufficientCredits:
                return
            await uow.commit()

    await asyncio.gather(shop.deliver(refund.body, refund.signature, refund.event_id), *(spend() for _ in range(30)))

    balance, _ = await shop.books(user_id)
    async with shop.new_uow() as uow:
        (row,) = [p for p in await uow.payments.for_order(order.id) if p.kind == "refunded"]
    assert balance >= 0
    assert -row.credits + row.shortfall == 50  # what was reversed plus what could not be adds up to the purchase
