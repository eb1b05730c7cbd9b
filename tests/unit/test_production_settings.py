"""Production mode names every setting that would make it unsafe or unable to scale."""

from __future__ import annotations

import pytest

from entrypoints.settings import load_settings, production_problems

SOUND = {
    "PIXELMILL_ENV": "production",
    "PIXELMILL_JWT_SECRET": "k" * 48,
    "PIXELMILL_DATABASE_URL": "postgresql+psycopg://pixelmill@db/pixelmill",
    "PIXELMILL_BROKER_URL": "redis://redis:6379/0",
    "PIXELMILL_STORAGE_URL": "s3://pixelmill/blobs",
}


def problems(**changes: str) -> list[str]:
    return production_problems(load_settings({**SOUND, **{f"PIXELMILL_{k.upper()}": v for k, v in changes.items()}}))


def test_a_sound_production_configuration_has_no_problem() -> None:
    assert problems() == []
    assert problems(storage_url="file:///srv/pixelmill/blobs") == []


@pytest.mark.parametrize("secret", ["", "change-me", "changeme", "secret", "short"])
def test_a_missing_default_or_short_jwt_secret_is_named(secret: str) -> None:
    assert [p for p in problems(jwt_secret=secret) if "PIXELMILL_JWT_SECRET" in p]


def test_sqlite_is_named() -> None:
    assert [p for p in problems(database_url="sqlite+aiosqlite:///var/pixelmill.db") if "PIXELMILL_DATABASE_URL" in p]


def test_the_in_process_broker_is_named() -> None:
    assert [p for p in problems(broker_url="memory://") if "PIXELMILL_BROKER_URL" in p]


def test_a_relative_storage_directory_is_named() -> None:
    assert [p for p in problems(storage_url="file://var/blobs") if "PIXELMILL_STORAGE_URL" in p]


def test_a_redelivery_time_not_above_the_lease_is_named() -> None:
    found = problems(task_lease_seconds="120", queue_redelivery_seconds="120")
    assert [p for p in found if "PIXELMILL_QUEUE_REDELIVERY_SECONDS" in p]


def test_the_embedded_defaults_name_every_problem_at_once() -> None:
    found = " ".join(production_problems(load_settings({"PIXELMILL_ENV": "production"})))
    for name in ("PIXELMILL_JWT_SECRET", "PIXELMILL_DATABASE_URL", "PIXELMILL_BROKER_URL", "PIXELMILL_STORAGE_URL"):
        assert name in found
