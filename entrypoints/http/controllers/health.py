"""Liveness and readiness: /health while the process lives, /health/ready when its dependencies answer."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from application.use_cases.check_readiness import CheckReadiness


class HealthController(Controller):
    path = "/health"
    tags = ["operations"]

    @get("/", summary="Liveness")
    async def alive(self) -> dict[str, str]:
        """200 while the process lives."""
        return {"status": "ok"}

    @get("/ready", summary="Readiness")
    async def ready(self, check_readiness: CheckReadiness) -> Response[dict[str, Any]]:
        """200 when database, queue and storage answer; 503 naming the one that fails."""
        checks = await check_readiness()
        ok = all(result == "ok" for result in checks.values())
        return Response({"status": "ok" if ok else "unavailable", "checks": checks}, status_code=200 if ok else 503)
