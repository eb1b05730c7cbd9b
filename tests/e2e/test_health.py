"""Liveness, readiness and metrics on the assembled app."""

from __future__ import annotations

from tests.e2e.conftest import Api


async def test_health_and_readiness_answer_ok(api: Api) -> None:
    assert (await api.http.get("/health")).json() == {"status": "ok"}
    ready = await api.http.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok", "storage": "ok"}}


async def test_readiness_is_503_naming_the_storage_when_it_fails(api: Api) -> None:
    api.harness.storage.failing = True
    ready = await api.http.get("/health/ready")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["storage"].startswith("failed") and checks["database"] == "ok"


async def test_metrics_expose_http_and_domain_counters(api: Api) -> None:
    user = await api.new_user()
    assert (await user.submit()).status_code == 202
    metrics = await api.http.get("/metrics")
    assert metrics.status_code == 200
    text = metrics.text
    for name in ("pixelmill_tasks_submitted_total", "pixelmill_queue_depth", "pixelmill_http_requests_total"):
        assert name in text, name
