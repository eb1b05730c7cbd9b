"""Unit tests: every use case built on the in-memory fakes, a fixed clock and sequential ids."""

from __future__ import annotations

import asyncio
import faulthandler
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO
from typing import Any
from uuid import UUID

import pytest
from PIL import Image

from dependency_injector import providers

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.memory.metrics import MemoryMetrics
from adapters.memory.pixels import ThreadPixelRunner
from adapters.memory.queue import MemoryTaskQueue
from adapters.memory.storage import MemoryBlobStorage
from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from application.ports.image_processor import ImageProcessor
from application.use_cases.log_in import LogInCommand
from application.use_cases.session_tokens import Tokens
from application.use_cases.sign_up import SignUpCommand
from application.use_cases.submit_task import SubmitTaskCommand
from entrypoints.http.task_fields import metadata_of, operations_of
from domain.credits import LedgerEntry, reconciles
from domain.tasks import Task
from domain.users import User
from entrypoints.container import Container, build_container
from entrypoints.settings import Settings

SECRET = "unit-test-secret-of-at-least-32-characters"
PASSWORD = "correct horse battery"
SIGNUP_CREDITS = 10
TASK_COST = 1
MAX_PIXELS = 10_000
LEASE = timedelta(seconds=60)
QUEUED_AFTER = timedelta(seconds=60)
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
SHARE_TTL = timedelta(days=7)
MAX_ATTEMPTS = 3
TIMEOUT_SECONDS = 120
HANG_SECONDS = 30
# The embedded configuration with these values; the fakes replace every adapter that does I/O.
SETTINGS = Settings(
    jwt_secret=SECRET,
    database_url="sqlite+aiosqlite:///:memory:",  # never opened: the unit of work is the fake
    signup_credits=SIGNUP_CREDITS,
    task_cost=TASK_COST,
    max_image_pixels=MAX_PIXELS,
    task_lease_seconds=int(LEASE.total_seconds()),
    sweep_queued_after_seconds=int(QUEUED_AFTER.total_seconds()),
    access_token_seconds=int(ACCESS_TTL.total_seconds()),
    refresh_token_seconds=int(REFRESH_TTL.total_seconds()),
    share_link_seconds=int(SHARE_TTL.total_seconds()),
    task_max_attempts=MAX_ATTEMPTS,
    task_timeout_seconds=TIMEOUT_SECONDS,
    argon2_time_cost=1,
    argon2_memory_cost=1024,
    argon2_parallelism=1,
)


def image_bytes(fmt: str = "JPEG", width: int = 32, height: int = 24, color: Any = (200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), color).save(out, fmt)
    return out.getvalue()


def noisy_jpeg(width: int = 64, height: int = 64, seed: int = 0) -> bytes:
    """A JPEG whose scan data is long enough that cutting it short leaves the header readable."""
    out = BytesIO()
    Image.frombytes("RGB", (width, height), random.Random(seed).randbytes(width * height * 3)).save(out, "JPEG")
    return out.getvalue()


def jpeg(width: int = 32, height: int = 24) -> bytes:
    return image_bytes("JPEG", width, height)


def png(width: int = 32, height: int = 24) -> bytes:
    return image_bytes("PNG", width, height)


async def read_all(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


class Gate:
    """Holds the first `method` call on keys under `prefix` until opened: a worker caught mid-task."""

    def __init__(self, method: str, prefix: str, then_raise: Exception | None = None) -> None:
        self.method = method
        self.prefix = prefix
        self.then_raise = then_raise
        self.reached = asyncio.Event()
        self.opened = asyncio.Event()

    async def pass_through(self, method: str, key: str) -> None:
        if method == self.method and key.startswith(self.prefix) and not self.reached.is_set():
            self.reached.set()
            await self.opened.wait()
            if self.then_raise is not None:
                raise self.then_raise

    def open(self) -> None:
        self.opened.set()


class GatedBlobStorage(MemoryBlobStorage):
    """Storage whose gates let a test pause a worker at a chosen read or write, with no sleeps."""

    def __init__(self, *gates: Gate) -> None:
        super().__init__()
        self.gates = gates

    async def get(self, key: str) -> bytes:
        for gate in self.gates:
            await gate.pass_through("get", key)
        return await super().get(key)

    async def put(self, key: str, data: bytes) -> None:
        for gate in self.gates:
            await gate.pass_through("put", key)
        await super().put(key, data)


class NonReentrantUnitOfWork(MemoryUnitOfWork):
    """A unit of work opened inside another in the same task would wait forever on the lock: fail instead."""

    async def __aenter__(self) -> MemoryUnitOfWork:
        if self.database.lock.locked() and getattr(self.database, "holder", None) is asyncio.current_task():
            raise AssertionError("a unit of work was opened inside another one: a deadlock on a real database")
        await super().__aenter__()
        self.database.holder = asyncio.current_task()  # type: ignore[attr-defined]
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self.database.holder = None  # type: ignore[attr-defined]
        await super().__aexit__(*exc_info)


@dataclass
class Bootstrap:
    """The application's own container with fakes for what does I/O (cosmicpython's bootstrap), plus helpers."""

    database: MemoryDatabase = field(default_factory=MemoryDatabase)
    storage: MemoryBlobStorage = field(default_factory=MemoryBlobStorage)
    queue: MemoryTaskQueue = field(default_factory=MemoryTaskQueue)
    clock: FixedClock = field(default_factory=FixedClock)
    ids: SequentialIds = field(default_factory=SequentialIds)
    metrics: MemoryMetrics = field(default_factory=MemoryMetrics)
    processor: ImageProcessor | None = None  # None: the container's own (Pillow under MAX_PIXELS)

    def __post_init__(self) -> None:
        self.container: Container = build_container(SETTINGS)
        container = self.container
        container.uow.override(providers.Factory(NonReentrantUnitOfWork, self.database))
        for name in ("storage", "queue", "clock", "ids", "metrics"):
            getattr(container, name).override(providers.Object(getattr(self, name)))
        if self.processor is not None:
            container.processor.override(providers.Object(self.processor))
        # Pixels in a thread, not a process pool: unit tests start no processes.
        container.pixels.override(providers.Object(ThreadPixelRunner(container.processor)))
        container.process_task.add_kwargs(backoff_seconds=0)  # retries without waiting
        container.task_events.add_kwargs(poll_seconds=0)
        self.processor = container.processor()
        self.tokens = container.tokens()
        self.hasher = container.hasher()
        self.refresh = container.refresh_session()
        self._emails = 0

    def __getattr__(self, name: str) -> Any:
        """Any use case by its provider's name (`app.submit_task`), built by the container once per app."""
        if name == "container":
            raise AttributeError(name)
        built = getattr(self.container, name)()
        setattr(self, name, built)
        return built

    def uow(self) -> MemoryUnitOfWork:
        return NonReentrantUnitOfWork(self.database)

    async def user(self, credits: int = SIGNUP_CREDITS) -> User:
        """A user who signed up with `credits` as their bonus."""
        self._emails += 1
        sign_up = self.container.sign_up(signup_credits=credits)
        return await sign_up(SignUpCommand(f"user{self._emails}@example.com", PASSWORD))

    async def login(self, user: User) -> Tokens:
        return await self.log_in(LogInCommand(user.email, PASSWORD))

    def command(self, user: User, **fields: Any) -> SubmitTaskCommand:
        fields.setdefault("title", "a photo")
        fields.setdefault("image", jpeg())
        return SubmitTaskCommand(owner_id=user.id, **as_values(fields))

    async def submit(self, user: User, **fields: Any) -> Task:
        return (await self.submit_task(self.command(user, **fields))).task

    async def drain(self) -> list[Task | None]:
        """Process every enqueued id, as a worker receiving the queue's messages would."""
        return [await self.process_task(task_id) for task_id in self.queue.drain()]

    def stored(self, task_id: UUID) -> Task | None:
        return self.database.state.tasks.get(task_id)

    def ledger(self, user: User) -> list[LedgerEntry]:
        return [entry for entry in self.database.state.ledger if entry.user_id == user.id]

    def balance(self, user: User) -> int:
        return self.database.state.users[user.id].credits

    def blob_keys(self) -> set[str]:
        return set(self.storage.blobs)

    def assert_books_balance(self, user: User) -> None:
        assert reconciles(self.balance(user), self.ledger(user)), (self.balance(user), self.ledger(user))

    def assert_every_book_balances(self) -> None:
        for user in list(self.database.state.users.values()):
            self.assert_books_balance(user)


@pytest.fixture(autouse=True)
def hang_watchdog() -> Iterator[None]:
    """A unit test that hangs (a deadlock, a gate never reached) kills the run with every stack, not CI's clock."""
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def make_app() -> Iterator[Callable[..., Bootstrap]]:
    """Build an app with some fakes swapped; after the test every user's books must still balance."""
    built: list[Bootstrap] = []

    def make(**overrides: Any) -> Bootstrap:
        built.append(Bootstrap(**overrides))
        return built[-1]

    yield make
    for app in built:
        app.assert_every_book_balances()


@pytest.fixture
def app(make_app: Callable[..., Bootstrap]) -> Bootstrap:
    return make_app()


def as_values(fields: dict[str, Any]) -> dict[str, Any]:
    """A submission's fields given as the form's JSON text, decoded as the HTTP layer decodes them."""
    if isinstance(fields.get("metadata"), str):
        fields["metadata"] = metadata_of(fields["metadata"])
    if isinstance(fields.get("operations"), str):
        fields["operations"] = operations_of(fields["operations"])
    return fields
