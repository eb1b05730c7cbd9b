"""Production (and staging) mode names every setting that would make it unsafe or unable to scale."""

from __future__ import annotations

import pytest

from pathlib import Path

import yaml

from entrypoints.settings import load_settings, production_problems

ROOT = Path(__file__).resolve().parents[2]

SOUND = {
    "PIXELMILL_ENV": "production",
    "PIXELMILL_JWT_SECRET": "k" * 48,
    "PIXELMILL_DATABASE_URL": "postgresql+psycopg://pixelmill@db/pixelmill",
    "PIXELMILL_BROKER_URL": "redis://redis:6379/0",
    "PIXELMILL_STORAGE_URL": "s3://pixelmill/blobs",
    "PIXELMILL_PUBLIC_URL": "https://pixelmill.example.com",
    "PIXELMILL_PAYMENT_GATEWAY": "razorpay",
    "PIXELMILL_RAZORPAY_KEY_ID": "rzp_live_key",
    "PIXELMILL_RAZORPAY_KEY_SECRET": "key-secret",
    "PIXELMILL_RAZORPAY_WEBHOOK_SECRET": "webhook-secret",
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


def test_production_refuses_the_sandbox_gateway_and_says_why() -> None:
    found = [p for p in problems(payment_gateway="sandbox") if "PIXELMILL_PAYMENT_GATEWAY" in p]
    assert found and "free" in found[0]


def test_staging_allows_the_sandbox_gateway() -> None:
    assert problems(env="staging", payment_gateway="sandbox") == []


def test_staging_demands_everything_else_production_demands() -> None:
    found = " ".join(production_problems(load_settings({"PIXELMILL_ENV": "staging"})))
    for name in ("PIXELMILL_JWT_SECRET", "PIXELMILL_DATABASE_URL", "PIXELMILL_BROKER_URL", "PIXELMILL_PUBLIC_URL"):
        assert name in found


@pytest.mark.parametrize("env", ["staging", "production"])
@pytest.mark.parametrize("url", ["", "pixelmill.example.com", "ftp://x.example", "https://x.example/app?a=1", "https://"])
def test_a_missing_or_malformed_public_url_is_named(env: str, url: str) -> None:
    assert [p for p in problems(env=env, public_url=url) if "PIXELMILL_PUBLIC_URL" in p]


@pytest.mark.parametrize("env", ["staging", "production"])
def test_a_deployment_without_a_gateway_setting_gets_razorpay_not_the_sandbox(env: str) -> None:
    settings = load_settings({"PIXELMILL_ENV": env, "PIXELMILL_PAYMENT_GATEWAY": ""})
    assert settings.payment_gateway == "razorpay"
    assert load_settings({}).payment_gateway == "sandbox"  # development keeps the one-command embedded mode


def test_compose_with_the_example_env_cannot_mint_money() -> None:
    """The operator's first step is `cp .env.example .env`: that must not start a sandbox that pays for free."""
    example = dict(
        line.split("=", 1) for line in (ROOT / ".env.example").read_text().splitlines() if line and line[0] != "#"
    )
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    for name in ("api", "worker", "migrate"):
        settings = load_settings({**example, **services[name]["environment"]})
        assert settings.payment_gateway != "sandbox"
        assert [p for p in production_problems(settings) if "PIXELMILL_RAZORPAY" in p]
