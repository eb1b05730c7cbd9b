"""`pixelmill serve` and `pixelmill worker` in production mode refuse what would be unsafe, naming each setting."""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

import pytest

from testbed.environment import PIXELMILL, with_search_path
from tests.contract.databases import POSTGRES_URL, fresh_postgres_schema
from tests.support.stack import REDIS_URL

pytestmark = pytest.mark.slow

UNSAFE = {
    "PIXELMILL_ENV": "production",
    "PIXELMILL_JWT_SECRET": "change-me",
    "PIXELMILL_DATABASE_URL": "sqlite+aiosqlite:///var/pixelmill.db",
    "PIXELMILL_BROKER_URL": "memory://",
}


def pixelmill(cwd: Path, env: dict[str, str], command: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PIXELMILL_")}
    return subprocess.run(
        [str(PIXELMILL), command], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_production_refuses_a_default_secret_sqlite_and_the_in_process_broker(tmp_path: Path, command: str) -> None:
    run = pixelmill(tmp_path, UNSAFE, command)

    assert run.returncode == 2
    for name in ("PIXELMILL_JWT_SECRET", "PIXELMILL_DATABASE_URL", "PIXELMILL_BROKER_URL"):
        assert name in run.stderr
    assert "refusing to start in production mode" in run.stderr
    assert "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []  # refused before touching anything


@pytest.mark.parametrize("command", ["serve", "worker"])
@pytest.mark.postgres
@pytest.mark.redis
async def test_production_refuses_a_schema_that_is_not_migrated(tmp_path: Path, command: str) -> None:
    async with fresh_postgres_schema() as schema:
        env = {
            "PIXELMILL_ENV": "production",
            "PIXELMILL_JWT_SECRET": secrets.token_urlsafe(48),
            "PIXELMILL_DATABASE_URL": with_search_path(POSTGRES_URL, schema),
            "PIXELMILL_BROKER_URL": REDIS_URL,
            "PIXELMILL_STORAGE_URL": f"file://{tmp_path / 'blobs'}",
            "PIXELMILL_PUBLIC_URL": "https://pixelmill.example.com",
            "PIXELMILL_RAZORPAY_KEY_ID": "rzp_test_key",
            "PIXELMILL_RAZORPAY_KEY_SECRET": "key-secret",
            "PIXELMILL_RAZORPAY_WEBHOOK_SECRET": "webhook-secret",
        }
        run = pixelmill(tmp_path, env, command)

    assert run.returncode == 1
    assert "run `pixelmill migrate` first" in run.stderr
    assert "Traceback" not in run.stderr
