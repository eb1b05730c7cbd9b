"""The money rules as a property: random interleavings of every use case that moves credits, on every store.

Sign-up, admin grants, submit, process (success and failure), delete, orders, checkout verification, webhooks
(duplicated, reordered, refunds before their capture) and admin refunds (the gateway up or down) run against the use
cases with the fakes, SQLite and PostgreSQL; after every step the books must hold. PIXELMILL_STATEFUL_EXAMPLES=200 runs a long search.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections import Counter
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid4

import msgspec
import pytest
from dependency_injector import providers
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from PIL import Image

from adapters.memory.pixels import ThreadPixelRunner
from adapters.memory.storage import MemoryBlobStorage
from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from adapters.sandbox.gateway import SandboxGateway, SignedWebhook
from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade
from application.ports.payment_gateway import GatewayPayment
from application.use_cases.billing.handle_webhook import WebhookDelivery
from application.use_cases.billing.verify_checkout import VerifyCheckoutCommand
from application.use_cases.sign_up import SignUpCommand
from application.use_cases.submit_task import SubmitTaskCommand
from domain.credits import Reason
from domain.errors import DomainError, GatewayFailed, RefundNotSent
from domain.orders import PaymentKind
from entrypoints.container import Container, build_container
from entrypoints.harness import TEST_SECRET
from entrypoints.settings import Settings
from tests.contract.databases import POSTGRES_URL, fresh_postgres_schema, sqlite_url

T = TypeVar("T")

# Short in CI; one variable away from a long search.
EXAMPLES = int(os.environ.get("PIXELMILL_STATEFUL_EXAMPLES", "8"))
STEPS = int(os.environ.get("PIXELMILL_STATEFUL_STEPS", "25"))
STARTER = UUID("7a3c5a10-52f1-4f5e-9c3b-5b1e00000050")
PASSWORD = "correct horse battery"


def jpeg(truncated: bool = False) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), "teal").save(out, "JPEG")
    data = out.getvalue()
    return data[: len(data) // 2] if truncated else data  # the header probes fine; decoding fails: a failed task


class Recorder:
    """Every queue the use cases hand work to: recorded, never run (the machine decides when work happens)."""

    async def enqueue(self, *_: Any, **__: Any) -> None:
        return None

    async def request(self, *_: Any, **__: Any) -> None:
        return None

    async def ping(self) -> None:
        return None


@dataclass
class Books:
    """What the machine did, to check the stores against."""

    users: dict[UUID, str] = field(default_factory=dict)
    orders: dict[UUID, tuple[UUID, str]] = field(default_factory=dict)  # order id -> (user id, gateway order id)
    payments: dict[UUID, GatewayPayment] = field(default_factory=dict)
    fully_refunded: set[UUID] = field(default_factory=set)


class MoneyMachine(RuleBasedStateMachine):
    """Bound to one container and one event loop by `machine_for`."""

    container: Container
    loop: asyncio.AbstractEventLoop

    users = Bundle("users")
    tasks = Bundle("tasks")
    orders = Bundle("orders")
    hooks = Bundle("hooks")

    def __init__(self) -> None:
        super().__init__()
        self.books = Books()

    def run(self, work: Awaitable[T]) -> T | None:
        """A use case's answer; a domain error (402, 404, 409…) is an answer too, anything else fails the run."""
        try:
            return self.loop.run_until_complete(work)  # type: ignore[arg-type]
        except DomainError:
            return None

    @property
    def gateway(self) -> SandboxGateway:
        gateway = self.container.payment_gateway()
        assert isinstance(gateway, SandboxGateway)
        return gateway

    @rule(target=users)
    def sign_up(self) -> UUID:
        email = f"prop-{uuid4().hex[:12]}@example.com"
        user = self.run(self.container.sign_up()(SignUpCommand(email, PASSWORD)))
        assert user is not None
        self.books.users[user.id] = email
        return user.id

    @rule(user=users, amount=st.integers(1, 5))
    def admin_grant(self, user: UUID, amount: int) -> None:
        self.run(self.container.grant_credits()(self.books.users[user], amount))

    @rule(target=tasks, user=users, broken=st.booleans())
    def submit(self, user: UUID, broken: bool) -> tuple[UUID, UUID | None]:
        submitted = self.run(self.container.submit_task()(SubmitTaskCommand(user, "prop", jpeg(broken))))
        return user, submitted.task.id if submitted else None

    @rule(task=tasks)
    def process(self, task: tuple[UUID, UUID | None]) -> None:
        if task[1] is not None:
            self.run(self.container.process_task()(task[1]))

    @rule(task=tasks)
    def delete(self, task: tuple[UUID, UUID | None]) -> None:
        if task[1] is not None:
            self.run(self.container.delete_task()(task[0], task[1]))

    @rule(target=orders, user=users)
    def create_order(self, user: UUID) -> UUID | None:
        placed = self.run(self.container.create_order()(user, STARTER))
        if placed is None:
            return None
        self.books.orders[placed.order.id] = (user, placed.order.gateway_order_id)
        return placed.order.id

    def _payment(self, order: UUID) -> GatewayPayment:
        if order not in self.books.payments:
            self.books.payments[order] = self.gateway.pay(self.books.orders[order][1], 9_900, "INR")
        return self.books.payments[order]

    @rule(order=orders)
    def verify(self, order: UUID | None) -> None:
        if order is None:
            return
        user, gateway_order_id = self.books.orders[order]
        payment = self._payment(order)
        signature = self.gateway.sign_checkout(gateway_order_id, payment.payment_id)
        command = VerifyCheckoutCommand(user, order, gateway_order_id, payment.payment_id, signature)
        self.run(self.container.verify_checkout()(command))

    @rule(target=hooks, order=orders, kind=st.sampled_from(["payment.captured", "order.paid", "payment.failed"]))
    def payment_event(self, order: UUID | None, kind: str) -> SignedWebhook | None:
        if order is None:
            return None
        payment = self._payment(order)
        if kind == "payment.failed":
            failed = self.gateway.pay(self.books.orders[order][1], 9_900, "INR", status="failed")
            return self._deliver(self.gateway.payment_event(kind, self.books.orders[order][1], failed))
        return self._deliver(self.gateway.payment_event(kind, self.books.orders[order][1], payment))

    @rule(target=hooks, order=orders, amount=st.sampled_from([9_900, 3_300]))
    def refund(self, order: UUID | None, amount: int) -> SignedWebhook | None:
        """A refund of the order's payment, whether or not its capture has arrived yet."""
        if order is None:
            return None
        if amount == 9_900:
            self.books.fully_refunded.add(order)
        return self._deliver(self.gateway.refund_event(self.books.orders[order][1], self._payment(order), amount))

    @rule(order=orders, gateway_down=st.booleans())
    def admin_refund(self, order: UUID | None, gateway_down: bool) -> None:
        """An operator refunds the order: credits back, then its money at the gateway, which may be down (the money
        refund stays pending and the same call later retries it)."""
        if order is None:
            return
        gateway = self.gateway
        if gateway_down:
            gateway.refund = _gateway_down  # type: ignore[method-assign]
        try:
            self.loop.run_until_complete(self.container.refund_order()("admin", order, "property"))
            refunded = True
        except RefundNotSent:
            refunded = True  # the credits were taken back all the same
        except DomainError:
            refunded = False
        finally:
            if gateway_down:
                del gateway.refund
        if refunded:
            self.books.fully_refunded.add(order)

    @rule(hook=hooks, same_id=st.booleans())
    def redeliver(self, hook: SignedWebhook | None, same_id: bool) -> None:
        """The gateway retries: the same event again, or the same body under another event id."""
        if hook is not None:
            self._deliver(hook if same_id else SignedWebhook(hook.body, hook.signature, f"evt_again_{uuid4().hex}"))

    def _deliver(self, hook: SignedWebhook) -> SignedWebhook:
        self.run(self.container.handle_webhook()(WebhookDelivery(hook.body, hook.signature, hook.event_id)))
        return hook

    @invariant()
    def the_books_hold(self) -> None:
        self.loop.run_until_complete(check_books(self.container, self.books))


async def _gateway_down(*_: Any, **__: Any) -> Any:
    raise GatewayFailed("the gateway timed out")


async def check_books(container: Container, books: Books) -> None:
    async with container.uow() as uow:
        for user_id in books.users:
            balance = await uow.credits.balance(user_id)
            entries, cursor = [], None
            while True:
                page = await uow.credits.ledger(user_id, 100, cursor)
                entries += page.items
                if (cursor := page.next_cursor) is None:
                    break
            assert balance >= 0
            assert balance == sum(e.delta for e in entries), (balance, entries)
            history = sorted(entries, key=lambda e: e.seq)
            assert [e.seq for e in history] == list(range(1, len(history) + 1))
            charges = Counter(e.task_id for e in entries if e.reason is Reason.TASK_CHARGE)
            refunds = Counter(e.task_id for e in entries if e.reason is Reason.TASK_REFUND)
            assert all(n == 1 for n in charges.values()), charges
            assert all(n == 1 and charges[task] == 1 for task, n in refunds.items()), refunds
            purchases = Counter(e.order_id for e in entries if e.reason is Reason.PURCHASE)
            assert all(n == 1 for n in purchases.values()), purchases
        for order_id in books.fully_refunded:
            user_id = books.orders[order_id][0]
            moved = sum(e.delta for e in (await uow.credits.ledger(user_id, 100, None)).items if e.order_id == order_id)
            payments = await uow.payments.for_order(order_id)
            short = sum(p.shortfall for p in payments if p.kind is PaymentKind.REFUNDED)
            captured = any(p.kind is PaymentKind.CAPTURED for p in payments)
            assert moved + short == 0 or not captured, (order_id, moved, short)  # a full refund nets to zero


@contextmanager
def machine_for(store: str, directory: Path) -> Iterator[type[MoneyMachine]]:
    """The use cases on one store, in one event loop of their own (hypothesis drives them synchronously)."""
    loop = asyncio.new_event_loop()
    cheap = {"argon2_time_cost": 1, "argon2_memory_cost": 1024, "argon2_parallelism": 1}
    settings_ = msgspec.convert({"jwt_secret": TEST_SECRET, "broker_url": "memory://", **cheap}, Settings)
    container = build_container(settings_)
    for queue in ("queue", "mail_queue", "delivery_queue"):
        getattr(container, queue).override(providers.Object(Recorder()))
    container.storage.override(providers.Object(MemoryBlobStorage()))
    container.pixels.override(providers.Object(ThreadPixelRunner(container.processor)))
    schema = None
    if store == "memory":
        container.uow.override(providers.Factory(MemoryUnitOfWork, MemoryDatabase()))
    elif store == "sqlite":
        url = sqlite_url(directory)
        loop.run_until_complete(upgrade(url))
        container.engine.override(providers.Singleton(create_engine, url))
    else:
        schema = fresh_postgres_schema()
        name = loop.run_until_complete(schema.__aenter__())
        loop.run_until_complete(upgrade(POSTGRES_URL, name))
        container.engine.override(providers.Singleton(create_engine, POSTGRES_URL, schema=name))
    machine = type(f"MoneyMachine_{store}", (MoneyMachine,), {"container": container, "loop": loop})
    try:
        yield machine
    finally:
        if store != "memory":
            loop.run_until_complete(container.engine().dispose())
        if schema is not None:
            loop.run_until_complete(schema.__aexit__(None, None, None))
        loop.close()


@pytest.mark.parametrize("store", ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_books_hold_under_any_interleaving(store: str, tmp_path: Path) -> None:
    examples = EXAMPLES if store == "memory" else max(1, EXAMPLES // 2)
    with machine_for(store, tmp_path) as machine:
        run_state_machine_as_test(
            machine,
            settings=settings(
                max_examples=examples,
                stateful_step_count=STEPS,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                database=None,
            ),
        )
