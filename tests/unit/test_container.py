"""The composition root: every provider resolves, and the settings choose each adapter, in every configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from dependency_injector import providers
from taskiq import InMemoryBroker

from adapters.memory.unit_of_work import MemoryUnitOfWork
from adapters.razorpay.gateway import RazorpayGateway
from adapters.sandbox.gateway import SandboxGateway
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork
from adapters.storage.local import LocalBlobStorage
from adapters.storage.s3 import S3BlobStorage
from adapters.taskiq.stream_broker import ReliableStreamBroker
from entrypoints.container import Container, build_container, running
from entrypoints.settings import load_settings
from tests.unit.conftest import Bootstrap

PRODUCTION = {
    "PIXELMILL_ENV": "production",
    "PIXELMILL_JWT_SECRET": "p" * 48,
    "PIXELMILL_DATABASE_URL": "postgresql+psycopg://pixelmill@127.0.0.1:9/pixelmill",
    "PIXELMILL_BROKER_URL": "redis://127.0.0.1:9/0",
    "PIXELMILL_STORAGE_URL": "s3://pixelmill/blobs",
    "PIXELMILL_S3_ENDPOINT_URL": "http://127.0.0.1:9",
    "PIXELMILL_PAYMENT_GATEWAY": "razorpay",
    "PIXELMILL_RAZORPAY_KEY_ID": "rzp_test_key",
    "PIXELMILL_RAZORPAY_KEY_SECRET": "key-secret",
    "PIXELMILL_RAZORPAY_WEBHOOK_SECRET": "webhook-secret",
}


def resolve_every_provider(container: Container) -> dict[str, object]:
    """Each port, adapter and use case built (resources are opened by `running`, not here)."""
    built = {}
    for name, provider in container.providers.items():
        if isinstance(provider, (providers.Dependency, providers.Self, providers.Resource)):
            continue
        built[name] = provider()
    return built


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # relative defaults (var/) land here
    return tmp_path


def test_the_embedded_configuration_resolves_every_port_to_local_adapters(in_tmp: Path) -> None:
    built = resolve_every_provider(build_container(load_settings({"PIXELMILL_JWT_SECRET": "e" * 48})))

    assert isinstance(built["uow"], SqlUnitOfWork)
    assert isinstance(built["broker"], InMemoryBroker)
    assert isinstance(built["storage"], LocalBlobStorage)
    assert built["storage"].root == in_tmp / "var" / "blobs"
    assert isinstance(built["payment_gateway"], SandboxGateway)
    assert built["redis"] is None
    assert all(value is not None for name, value in built.items() if name != "redis")


def test_the_production_configuration_resolves_every_port_to_shared_services(in_tmp: Path) -> None:
    built = resolve_every_provider(build_container(load_settings(PRODUCTION)))

    assert isinstance(built["uow"], SqlUnitOfWork)
    assert isinstance(built["broker"], ReliableStreamBroker)
    assert isinstance(built["storage"], S3BlobStorage)
    assert isinstance(built["payment_gateway"], RazorpayGateway)
    assert built["redis"] is not None
    assert all(value is not None for value in built.values())


def test_the_test_configuration_resolves_every_port_with_its_fakes_in_place() -> None:
    app = Bootstrap()
    built = resolve_every_provider(app.container)

    assert isinstance(built["uow"], MemoryUnitOfWork)
    for fake in ("storage", "queue", "clock", "ids", "metrics"):
        assert built[fake] is getattr(app, fake)
    assert all(value is not None for name, value in built.items() if name != "redis")


def test_the_broker_carries_every_job() -> None:
    app = Bootstrap()
    broker = app.container.broker()

    assert {"pixelmill.process_task", "pixelmill.sweep", "pixelmill.reconcile_orders"} <= set(broker.get_all_tasks())


async def test_running_closes_the_engine_and_the_redis_client_once(in_tmp: Path) -> None:
    container = build_container(load_settings(PRODUCTION))
    closed: list[str] = []
    container.engine_lifetime.override(providers.Resource(_recording, closed, "engine"))
    container.redis_lifetime.override(providers.Resource(_recording, closed, "redis"))

    async with running(container):
        assert closed == []

    assert sorted(closed) == ["engine", "redis"]


async def _recording(closed: list[str], name: str):  # type: ignore[no-untyped-def]
    yield name
    closed.append(name)
