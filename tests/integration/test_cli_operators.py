"""Operators' commands as subprocesses: `orders reconcile`, `tasks sweep` and `doctor`, on a SQLite file of their own."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from dependency_injector import providers

from adapters.memory.queue import MemoryTaskQueue
from application.use_cases.sign_up import SignUpCommand
from application.use_cases.submit_task import SubmitTaskCommand
from entrypoints.container import build_container
from entrypoints.settings import load_settings
from testbed.environment import CHEAP_ARGON2
from tests.e2e.conftest import jpeg
from tests.integration.test_cli import pixelmill
from tests.support.razorpay_stub import KEY_ID, KEY_SECRET, WEBHOOK_SECRET, razorpay_stub

pytestmark = pytest.mark.slow

JWT_SECRET = "a-test-secret-that-is-long-enough-for-hs256"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {
        "PIXELMILL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db",
        "PIXELMILL_STORAGE_URL": f"file://{tmp_path}/blobs",  # the same blobs for this process and the command's
        "PIXELMILL_JWT_SECRET": JWT_SECRET,
    }
    assert pixelmill(tmp_path, env, "migrate").returncode == 0
    return {**env, **CHEAP_ARGON2}


def razorpay(stub_url: str, key_secret: str = KEY_SECRET) -> dict[str, str]:
    return {
        "PIXELMILL_PAYMENT_GATEWAY": "razorpay",
        "PIXELMILL_RAZORPAY_BASE_URL": stub_url,
        "PIXELMILL_RAZORPAY_KEY_ID": KEY_ID,
        "PIXELMILL_RAZORPAY_KEY_SECRET": key_secret,
        "PIXELMILL_RAZORPAY_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


def query(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "x.db") as connection:
        return connection.execute(sql).fetchall()


def lines_of(output: str) -> dict[str, str]:
    """`doctor` prints `name  ok: words` or `name  PROBLEM: words`, one line each."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        name, _, rest = line.partition("  ")
        found.setdefault(name, rest.strip())
    return found


async def place_order(env: dict[str, str]) -> str:
    container = build_container(load_settings(env))
    try:
        user = await container.sign_up()(SignUpCommand("ada@example.com", "correct horse battery"))
        plan = (await container.list_plans()())[0]
        placed = await container.create_order()(user.id, plan.id)
        return placed.order.gateway_order_id
    finally:
        await container.engine().dispose()


async def submit_unsent_task(env: dict[str, str]) -> uuid.UUID:
    """A task that is `queued` in the database but whose message never reached a broker."""
    container = build_container(load_settings(env))
    container.queue.override(providers.Object(MemoryTaskQueue()))
    try:
        user = await container.sign_up()(SignUpCommand("bo@example.com", "correct horse battery"))
        submitted = await container.submit_task()(SubmitTaskCommand(user.id, "lost", jpeg()))
        return submitted.task.id
    finally:
        # The sign-up's mail job runs on this process's in-memory broker: let it end before the command runs, or
        # its SQLite write transaction, frozen while the test waits on the command, locks the command out.
        await container.broker().wait_all()
        await container.broker().shutdown()
        await container.engine().dispose()


def test_doctor_on_a_migrated_embedded_setup_finds_nothing_wrong(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, env, "doctor")

    assert run.returncode == 0, run.stdout + run.stderr
    found = lines_of(run.stdout)
    assert set(found) == {"settings", "database", "broker", "storage", "gateway"}
    assert all(words.startswith("ok:") for words in found.values()), found


def test_doctor_says_the_schema_is_behind_and_how_to_fix_it(tmp_path: Path) -> None:
    run = pixelmill(tmp_path, {"PIXELMILL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/new.db"}, "doctor")

    assert run.returncode == 1
    assert lines_of(run.stdout)["database"].startswith("PROBLEM:")
    assert "run `pixelmill migrate`" in lines_of(run.stdout)["database"]
    assert run.stderr.strip().endswith("1 problem found")


def test_doctor_names_an_unreachable_broker_and_refused_gateway_keys(tmp_path: Path, env: dict[str, str]) -> None:
    with razorpay_stub() as stub:
        broken = {**env, **razorpay(stub.url, key_secret="wrong"), "PIXELMILL_BROKER_URL": "redis://127.0.0.1:1/0"}
        run = pixelmill(tmp_path, broken, "doctor")
        working = {**env, **razorpay(stub.url), "PIXELMILL_BROKER_URL": "redis://127.0.0.1:6379/0"}
        fixed = pixelmill(tmp_path, working, "doctor")

    assert run.returncode == 1
    found = lines_of(run.stdout)
    assert found["broker"].startswith("PROBLEM:") and "127.0.0.1" in found["broker"]
    assert found["gateway"].startswith("PROBLEM:") and "Authentication failed" in found["gateway"]
    assert found["database"].startswith("ok:") and found["storage"].startswith("ok:")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert lines_of(fixed.stdout)["gateway"].startswith("ok: razorpay")


def test_doctor_in_production_names_each_wrong_setting(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, {**env, "PIXELMILL_ENV": "production", "PIXELMILL_STORAGE_URL": "file://var/blobs"}, "doctor")

    assert run.returncode == 1
    settings_lines = [line for line in run.stdout.splitlines() if line.startswith("settings")]
    named = " ".join(settings_lines)
    assert len(settings_lines) >= 3, run.stdout
    for variable in ("PIXELMILL_DATABASE_URL", "PIXELMILL_BROKER_URL", "PIXELMILL_STORAGE_URL"):
        assert variable in named


async def test_orders_reconcile_credits_a_paid_order_whose_webhook_was_lost(tmp_path: Path, env: dict[str, str]) -> None:
    with razorpay_stub() as stub:
        gateway_env = {**env, **razorpay(stub.url)}
        gateway_order_id = await place_order(gateway_env)
        stub.pay(gateway_order_id)

        too_young = pixelmill(tmp_path, gateway_env, "orders", "reconcile")  # the default age is 600 s
        assert too_young.returncode == 0, too_young.stderr
        assert "checked 0 unpaid orders" in too_young.stdout
        assert query(tmp_path, "SELECT status FROM orders") == [("created",)]

        run = pixelmill(tmp_path, gateway_env, "orders", "reconcile", "--older-than", "0")

    assert run.returncode == 0, run.stderr
    assert "checked 1 unpaid orders older than 0 s" in run.stdout and "1 paid and credited" in run.stdout
    assert query(tmp_path, "SELECT status FROM orders") == [("paid",)]
    assert query(tmp_path, "SELECT reason FROM credit_ledger WHERE reason = 'purchase'") == [("purchase",)]


async def test_orders_reconcile_fails_when_the_gateway_does_not_answer(tmp_path: Path, env: dict[str, str]) -> None:
    with razorpay_stub() as stub:
        gateway_env = {**env, **razorpay(stub.url)}
        await place_order(gateway_env)
        stub.mode = "server-error"
        run = pixelmill(tmp_path, gateway_env, "orders", "reconcile", "--older-than", "0")

    assert run.returncode == 1
    assert "1 not answered" in run.stdout and "run this again later" in run.stderr
    assert query(tmp_path, "SELECT status FROM orders") == [("created",)]


def test_orders_reconcile_refuses_a_negative_age(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, env, "orders", "reconcile", "--older-than", "-5")

    assert run.returncode == 2
    assert "must be 0 or more" in run.stderr


async def test_tasks_sweep_in_embedded_mode_processes_a_task_whose_message_was_lost(
    tmp_path: Path, env: dict[str, str]
) -> None:
    task_id = await submit_unsent_task(env)
    stale = {**env, "PIXELMILL_SWEEP_QUEUED_AFTER_SECONDS": "0"}

    run = pixelmill(tmp_path, stale, "tasks", "sweep")

    assert run.returncode == 0, run.stderr
    assert "re-sent 1 stale tasks" in run.stdout
    assert query(tmp_path, f"SELECT status FROM tasks WHERE id = '{task_id.hex}' OR id = '{task_id}'") == [
        ("completed",)
    ]
