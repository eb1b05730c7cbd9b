"""`pixelmill doctor`: each dependency checked the way the running service uses it, every problem said in words."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import make_url

from adapters.razorpay.gateway import RazorpayGateway
from entrypoints.container import Container, build_container, running
from entrypoints.settings import Settings, production_problems

CHECK_SECONDS = 5.0  # each check; a dependency slower than this is as good as down for the service


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    words: str


async def diagnose(settings: Settings) -> list[Finding]:
    """Settings, database schema, broker, storage and payment gateway, each with what is right or wrong."""
    findings = _settings(settings)
    container = build_container(settings)
    checks: list[tuple[str, Callable[[Container], Awaitable[str]]]] = [
        ("database", _database),
        ("broker", _broker),
        ("storage", _storage),
        ("gateway", _gateway),
    ]
    async with running(container):
        for name, check in checks:
            findings.append(await _run(name, check, container))
    return findings


def _settings(settings: Settings) -> list[Finding]:
    problems = production_problems(settings) if settings.deployed else []
    if problems:
        return [Finding("settings", False, problem) for problem in problems]
    mode = "embedded (worker inside serve)" if settings.embedded else "separate workers"
    return [Finding("settings", True, f"{settings.env}, {mode}")]


async def _run(name: str, check: Callable[[Container], Awaitable[str]], container: Container) -> Finding:
    try:
        return Finding(name, True, await asyncio.wait_for(check(container), CHECK_SECONDS))
    except TimeoutError:
        return Finding(name, False, f"no answer within {CHECK_SECONDS:g} s")
    except Exception as exc:  # the doctor reports every failure, whatever its kind, in words
        return Finding(name, False, _words(exc))


async def _database(container: Container) -> str:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from adapters.sqlalchemy.migrate import alembic_config

    url = make_url(container.settings().database_url).render_as_string(hide_password=True)
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    async with container.engine().connect() as connection:
        current = await connection.run_sync(lambda sync: set(MigrationContext.configure(sync).get_current_heads()))
    if current != heads:
        have = ", ".join(sorted(current)) or "no schema"
        raise RuntimeError(f"{url} is at {have}, this code needs {', '.join(sorted(heads))}: run `pixelmill migrate`")
    return f"{url}, schema at {', '.join(sorted(heads))}"


async def _broker(container: Container) -> str:
    settings = container.settings()
    if settings.embedded:
        return "memory:// (the worker runs inside `pixelmill serve`)"
    await container.queue().ping()
    return f"{make_url(settings.broker_url).render_as_string(hide_password=True)} answers"


async def _storage(container: Container) -> str:
    await container.storage().ping()
    return f"{container.settings().storage_url} is writable"


async def _gateway(container: Container) -> str:
    gateway = container.payment_gateway()
    if not isinstance(gateway, RazorpayGateway):
        return "sandbox (no real payments)"
    settings = container.settings()
    if not (settings.razorpay_key_id and settings.razorpay_key_secret and settings.webhook_secrets):
        raise RuntimeError("PIXELMILL_RAZORPAY_KEY_ID, _KEY_SECRET and _WEBHOOK_SECRETS (or _WEBHOOK_SECRET) must be set")
    await gateway.check_credentials()
    return f"razorpay at {settings.razorpay_base_url} accepts key {settings.razorpay_key_id}"


def _words(exc: BaseException) -> str:
    """The first line of the deepest message: `connection refused`, not a class name."""
    messages = []
    while exc is not None:
        text = (str(exc).strip().splitlines() or [""])[0]
        if text:
            messages.append(text)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return ": ".join(dict.fromkeys(messages[:2])) or "failed"
