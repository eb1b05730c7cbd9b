"""`pixelmill users promote` and `pixelmill credits grant` leave their mark in the audit log."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_cli import env, pixelmill, query, sign_up  # noqa: F401 (env is a fixture)

pytestmark = pytest.mark.slow


async def test_promote_makes_an_admin_and_audits_it(tmp_path: Path, env: dict[str, str]) -> None:  # noqa: F811
    assert pixelmill(tmp_path, env, "migrate").returncode == 0
    await sign_up(env, "root@example.com")

    run = pixelmill(tmp_path, env, "users", "promote", "Root@Example.com", "--reason", "first operator")
    unknown = pixelmill(tmp_path, env, "users", "promote", "nobody@example.com")

    assert run.returncode == 0, run.stderr
    assert "root@example.com is an admin" in run.stdout
    assert unknown.returncode == 1 and "nobody@example.com" in unknown.stderr
    db = tmp_path / "x.db"
    assert query(db, "SELECT is_admin FROM users") == [(1,)]
    assert query(db, "SELECT actor, action, reason FROM audit_log") == [("cli", "promote", "first operator")]


async def test_credits_grant_writes_the_audit_log(tmp_path: Path, env: dict[str, str]) -> None:  # noqa: F811
    assert pixelmill(tmp_path, env, "migrate").returncode == 0
    await sign_up(env, "ada@example.com")

    run = pixelmill(tmp_path, env, "credits", "grant", "ada@example.com", "5", "--reason", "launch promo")

    assert run.returncode == 0, run.stderr
    db = tmp_path / "x.db"
    [(user_id,)] = query(db, "SELECT id FROM users")
    assert query(db, "SELECT actor, action, subject, reason FROM audit_log") == [
        ("cli", "grant_credits", _uuid_text(user_id), "+5: launch promo")
    ]


def _uuid_text(stored: object) -> str:
    """SQLite keeps a Uuid column as 32 hex digits; the audit log keeps the usual text form."""
    raw = str(stored).replace("-", "")
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
