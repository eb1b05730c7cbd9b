"""Liveness and readiness: /health while the process lives, /health/ready when its dependencies answer."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from litestar import Controller, Response, get
from litestar.datastructures import State

CHECK_TIMEOUT_SECONDS = 3.0


async def _database(state: State) -> None:
    async with state.container.uow() as uow:
        await uow.credits.balance(UUID(int=0))


async def _queue(state: State) -> None:
    await state.container.queue().ping()


async def _storage(state: State) -> None:
    await state.container.storage().ping()


CHECKS = {"database": _database, "queue": _queue, "storage": _storage}


class HealthController(Controller):
    path = "/health"
    tags = ["operations"]

    @get("/", summary="Liveness")
    async def alive(self) -> dict[str, str]:
        """200 while the process lives."""
        return {"status": "ok"}

    @get("/ready", summary="Readiness")
    async def ready(self, state: State) -> Response[dict[str, Any]]:
        """200 when database, queue and storage answer; 503 naming the one that fails."""
        results = await asyncio.gather(*(_run(check, state) for check in CHECKS.values()))
        checks = dict(zip(CHECKS, results, strict=True))
        ok = all(result == "ok" for result in checks.values())
        return Response({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)


async def _run(check: Any, state: State) -> str:
    try:
        await asyncio.wait_for(check(state), CHECK_TIMEOUT_SECONDS)
    except TimeoutError:
        return "timed out"
    except Exception as exc:  # a readiness probe reports every failure, whatever its kind
        return f"failed: {type(exc).__name__}"
    return "ok"
