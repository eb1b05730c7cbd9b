"""Unit tests: every use case built on the in-memory fakes, a fixed clock and sequential ids."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO
from typing import Any
from uuid import UUID

import pytest
from PIL import Image

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.memory.metrics import MemoryMetrics
from adapters.memory.queue import MemoryTaskQueue
from adapters.memory.storage import MemoryBlobStorage
from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from adapters.pillow.processor import PillowImageProcessor
from adapters.security.passwords import Argon2PasswordHasher
from adapters.security.tokens import JwtTokenIssuer
from application.ports.image_processor import ImageProcessor
from application.use_cases.account import GetBalance, GetMe, ListLedger
from application.use_cases.authenticate import Authenticate
from application.use_cases.log_in import LogIn, LogInCommand
from application.use_cases.log_out import LogOut
from application.use_cases.process_task import ProcessTask
from application.use_cases.read_tasks import GetTask, ListTasks, TaskEvents
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.session_tokens import SessionTokens, Tokens
from application.use_cases.sign_up import SignUp, SignUpCommand
from application.use_cases.submit_task import SubmitTask, SubmitTaskCommand
from application.use_cases.sweep import Sweep
from application.use_cases.task_files import DeleteTask, GetResult, GetSource, OpenSharedResult, ShareResult
from domain.credits import LedgerEntry, reconciles
from domain.tasks import Task
from domain.users import User

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


def image_bytes(fmt: str = "JPEG", width: int = 32, height: int = 24, color: Any = (200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), color).save(out, fmt)
    return out.getvalue()


def jpeg(width: int = 32, height: int = 24) -> bytes:
    return image_bytes("JPEG", width, height)


def png(width: int = 32, height: int = 24) -> bytes:
    return image_bytes("PNG", width, height)


async def read_all(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


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
    """The whole application on fakes (cosmicpython's bootstrap), plus helpers that speak its language."""

    database: MemoryDatabase = field(default_factory=MemoryDatabase)
    storage: MemoryBlobStorage = field(default_factory=MemoryBlobStorage)
    queue: MemoryTaskQueue = field(default_factory=MemoryTaskQueue)
    processor: ImageProcessor = field(default_factory=lambda: PillowImageProcessor(MAX_PIXELS))
    clock: FixedClock = field(default_factory=FixedClock)
    ids: SequentialIds = field(default_factory=SequentialIds)
    metrics: MemoryMetrics = field(default_factory=MemoryMetrics)
    tokens: JwtTokenIssuer = field(default_factory=lambda: JwtTokenIssuer(SECRET))
    hasher: Argon2PasswordHasher = field(
        default_factory=lambda: Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )

    def __post_init__(self) -> None:
        uow = self.uow
        self.session_tokens = SessionTokens(self.tokens, self.ids, ACCESS_TTL, REFRESH_TTL)
        self.sign_up = SignUp(uow, self.hasher, self.clock, self.ids, SIGNUP_CREDITS)
        self.log_in = LogIn(uow, self.hasher, self.session_tokens, self.clock, self.ids)
        self.refresh = RefreshSession(uow, self.tokens, self.session_tokens, self.clock)
        self.log_out = LogOut(uow, self.clock)
        self.authenticate = Authenticate(self.tokens, self.clock)
        self.get_me = GetMe(uow)
        self.get_balance = GetBalance(uow)
        self.list_ledger = ListLedger(uow)
        self.submit_task = SubmitTask(
            uow, self.storage, self.queue, self.processor, self.clock, self.ids, self.metrics, TASK_COST
        )
        self.process_task = ProcessTask(
            uow,
            self.storage,
            self.processor,
            self.clock,
            self.ids,
            self.metrics,
            TASK_COST,
            LEASE,
            max_attempts=MAX_ATTEMPTS,
            backoff_seconds=0,
        )
        self.sweep = Sweep(uow, self.queue, self.clock, QUEUED_AFTER)
        self.get_task = GetTask(uow)
        self.list_tasks = ListTasks(uow)
        self.task_events = TaskEvents(uow, poll_seconds=0)
        self.get_source = GetSource(uow, self.storage)
        self.get_result = GetResult(uow, self.storage)
        self.share_result = ShareResult(uow, self.tokens, self.clock, self.ids, SHARE_TTL)
        self.open_shared_result = OpenSharedResult(uow, self.storage, self.tokens, self.clock)
        self.delete_task = DeleteTask(uow, self.storage)
        self._emails = 0

    def uow(self) -> MemoryUnitOfWork:
        return NonReentrantUnitOfWork(self.database)

    async def user(self, credits: int = SIGNUP_CREDITS, email: str | None = None) -> User:
        """A user who signed up with `credits` as their bonus."""
        self._emails += 1
        sign_up = SignUp(self.uow, self.hasher, self.clock, self.ids, credits)
        return await sign_up(SignUpCommand(email or f"user{self._emails}@example.com", PASSWORD))

    async def login(self, user: User) -> Tokens:
        return await self.log_in(LogInCommand(user.email, PASSWORD))

    def command(self, user: User, **fields: Any) -> SubmitTaskCommand:
        fields.setdefault("title", "a photo")
        fields.setdefault("image", jpeg())
        return SubmitTaskCommand(owner_id=user.id, **fields)

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
