"""The `pixelmill` command, run as a subprocess against a fresh SQLite file in a temporary working directory."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from application.use_cases.sign_up import SignUpCommand
from entrypoints.container import build_container
from entrypoints.settings import load_settings
from testbed.environment import CHEAP_ARGON2

pytestmark = pytest.mark.slow

PIXELMILL = Path(sys.executable).with_name("pixelmill")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PIXELMILL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db", **CHEAP_ARGON2}


def pixelmill(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # The caller's own PIXELMILL_* variables must not leak into the run.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PIXELMILL_")}
    return subprocess.run(
        [str(PIXELMILL), *args], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


async def sign_up(env: dict[str, str], email: str) -> None:
    container = build_container(load_settings(env))
    try:
        await container.sign_up()(SignUpCommand(email, "correct horse battery"))
    finally:
        await container.engine().dispose()


def test_migrate_creates_the_tables(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, env, "migrate")

    assert run.returncode == 0, run.stderr
    tables = {name for (name,) in query(tmp_path / "x.db", "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "refresh_tokens", "tasks", "credit_ledger", "alembic_version"} <= tables


def test_migrate_twice_changes_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    assert pixelmill(tmp_path, env, "migrate").returncode == 0
    first = query(tmp_path / "x.db", "SELECT version_num FROM alembic_version")

    run = pixelmill(tmp_path, env, "migrate")

    assert run.returncode == 0, run.stderr
    assert query(tmp_path / "x.db", "SELECT version_num FROM alembic_version") == first


async def test_credits_grant_writes_an_admin_grant_row(tmp_path: Path, env: dict[str, str]) -> None:
    assert pixelmill(tmp_path, env, "migrate").returncode == 0
    await sign_up(env, "ada@example.com")

    run = pixelmill(tmp_path, env, "credits", "grant", "Ada@Example.com", "5")

    assert run.returncode == 0, run.stderr
    assert "balance 15" in run.stdout
    db = tmp_path / "x.db"
    assert query(db, "SELECT reason, delta, balance_after FROM credit_ledger ORDER BY created_at") == [
        ("signup_bonus", 10, 10),
        ("admin_grant", 5, 15),
    ]
    assert query(db, "SELECT credits FROM users") == [(15,)]


def test_credits_grant_to_an_unknown_email_fails_in_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    assert pixelmill(tmp_path, env, "migrate").returncode == 0

    run = pixelmill(tmp_path, env, "credits", "grant", "nobody@example.com", "5")

    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == ["pixelmill: no user with email nobody@example.com"]
    assert query(tmp_path / "x.db", "SELECT count(*) FROM credit_ledger") == [(0,)]


def test_credits_grant_of_nothing_is_bad_usage(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, env, "credits", "grant", "ada@example.com", "0")

    assert run.returncode == 2
    assert "N: must be at least 1" in run.stderr
    assert "Traceback" not in run.stderr


def test_credits_grant_before_migrate_asks_for_migrate(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, env, "credits", "grant", "ada@example.com", "5")

    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "pixelmill: the database schema is not the one this code needs: run `pixelmill migrate` first"
    ]


def test_serve_in_production_with_defaults_refuses_and_names_each_setting(tmp_path: Path) -> None:
    run = pixelmill(tmp_path, {"PIXELMILL_ENV": "production"}, "serve", "--port", "0")

    assert run.returncode == 2
    for name in ("PIXELMILL_JWT_SECRET", "PIXELMILL_DATABASE_URL", "PIXELMILL_BROKER_URL"):
        assert name in run.stderr
    assert "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []  # refused before touching anything


def test_worker_in_embedded_mode_points_at_serve(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, env, "worker")

    assert run.returncode == 2
    assert "pixelmill serve" in run.stderr


def test_a_bad_setting_is_named(tmp_path: Path, env: dict[str, str]) -> None:
    run = pixelmill(tmp_path, {**env, "PIXELMILL_TASK_COST": "lots"}, "migrate")

    assert run.returncode == 2
    assert "task_cost" in run.stderr
    assert "Traceback" not in run.stderr
