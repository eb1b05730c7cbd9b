"""The whole application on in-memory fakes: what the e2e tests (and schemathesis) drive."""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from dependency_injector import providers
from litestar import Litestar

from adapters.memory.pixels import ThreadPixelRunner
from adapters.memory.mail import MemoryMailer
from adapters.memory.storage import MemoryBlobStorage
from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

TEST_SECRET = "harness-secret-that-is-long-enough-for-hs256"


@dataclass
class Harness:
    container: Container
    app: Litestar
    database: MemoryDatabase
    storage: MemoryBlobStorage
    mailer: MemoryMailer


def build_harness(**overrides: object) -> Harness:
    """Fakes for the database and storage, cheap argon2, the in-process broker; settings overridable."""
    defaults: dict[str, object] = {
        "jwt_secret": TEST_SECRET,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 1024,
        "argon2_parallelism": 1,
        "broker_url": "memory://",
        # Never used (the unit of work is the fake); in memory so that nothing is written to the working directory.
        "database_url": "sqlite+aiosqlite:///:memory:",
        "sweep_interval_seconds": 1,
    }
    settings = msgspec.convert({**defaults, **overrides}, Settings)
    container = build_container(settings)
    database = MemoryDatabase()
    storage = MemoryBlobStorage()
    container.uow.override(providers.Factory(MemoryUnitOfWork, database))
    container.storage.override(providers.Object(storage))
    # Pixels on a thread, as the pool's fake: a harness per test must not start processes.
    container.pixels.override(providers.Singleton(ThreadPixelRunner, container.make_processor))
    mailer = MemoryMailer()
    container.mailer.override(providers.Object(mailer))
    return Harness(container, create_app(container), database, storage, mailer)
