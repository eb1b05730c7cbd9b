"""Logs are JSON, carry the request id into the job, and never show a secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from entrypoints.logging_setup import configure_logging
from tests.e2e.conftest import Api
from tests.e2e.polling import eventually


class Captured(logging.Handler):
    def __init__(self, formatter: logging.Formatter) -> None:
        super().__init__()
        self.setFormatter(formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[Captured]:
    configure_logging("DEBUG")
    root = logging.getLogger()
    captured = Captured(root.handlers[0].formatter)  # type: ignore[arg-type]
    root.addHandler(captured)
    yield captured
    root.removeHandler(captured)


async def test_a_request_id_follows_the_task_into_the_worker(api: Api, logs: Captured) -> None:
    user = await api.new_user()
    response = await user.submit(headers={"X-Request-ID": "req-abc-123"})
    assert response.headers["x-request-id"] == "req-abc-123"
    task_id = response.json()["id"]
    await eventually(lambda: user.get(f"/api/v1/tasks/{task_id}"), lambda r: r.json()["status"] == "completed")
    events = [json.loads(line) for line in logs.lines]
    job_lines = [e for e in events if e.get("task_id") == task_id and e.get("job")]
    assert job_lines, "the worker logged nothing about the task"
    assert all(e.get("request_id") == "req-abc-123" for e in job_lines)
    assert any(e.get("event") == "request" and e.get("request_id") == "req-abc-123" for e in events)


async def test_a_hostile_request_id_is_replaced(api: Api) -> None:
    response = await api.http.get("/health", headers={"X-Request-ID": "x" * 500 + "\n"})
    assert response.headers["x-request-id"] != "x" * 500
    assert len(response.headers["x-request-id"]) == 32


async def test_no_password_token_or_signature_reaches_the_logs(api: Api, logs: Captured) -> None:
    user = await api.new_user()
    password = "correct horse"
    await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong password!"})  # type: ignore[attr-defined]
    await api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]})  # type: ignore[attr-defined]
    task_id = (await user.submit()).json()["id"]
    await eventually(lambda: user.get(f"/api/v1/tasks/{task_id}"), lambda r: r.json()["status"] == "completed")
    shared = (await user.post(f"/api/v1/tasks/{task_id}/share")).json()["url"]
    await api.http.get(shared[shared.index("/api/v1/"):])
    logging.getLogger("pixelmill.test").info("caller passed %s", user.headers["Authorization"])
    text = "\n".join(logs.lines)
    assert logs.lines
    secrets = [
        password,
        user.tokens["access_token"],  # type: ignore[attr-defined]
        user.tokens["refresh_token"],  # type: ignore[attr-defined]
        shared.rsplit("/", 1)[-1],
        api.harness.container.settings().jwt_secret,
    ]
    for secret in secrets:
        assert secret not in text
