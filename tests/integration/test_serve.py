"""`pixelmill serve` on a fresh working directory: upload, process and download with nothing else running."""

from __future__ import annotations

import io
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image

from testbed.environment import CHEAP_ARGON2
from tests.support.server import serving

pytestmark = pytest.mark.slow


def wait_for_status(client: httpx.Client, task_id: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        task = client.get(f"/api/v1/tasks/{task_id}").json()
        if task["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return task
        time.sleep(0.05)


def test_serve_takes_a_task_from_upload_to_downloaded_result(tmp_path: Path) -> None:
    image = io.BytesIO()
    Image.new("RGB", (1600, 1200), "teal").save(image, "JPEG")
    with serving(tmp_path, CHEAP_ARGON2) as base, httpx.Client(base_url=base, timeout=10) as client:
        credentials = {"email": "ada@example.com", "password": "correct horse"}
        assert client.post("/api/v1/auth/signup", json=credentials).status_code == 201
        token = client.post("/api/v1/auth/login", json=credentials).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"

        submitted = client.post("/api/v1/tasks", data={"title": "teal"}, files={"image": ("t.jpg", image.getvalue())})
        assert submitted.status_code == 202, submitted.text
        task = wait_for_status(client, submitted.json()["id"])
        assert task["status"] == "completed", task

        result = client.get(f"/api/v1/tasks/{task['id']}/result")
        assert result.status_code == 200
        downloaded = Image.open(io.BytesIO(result.content))
        assert downloaded.size == (1024, 768) and downloaded.mode == "L"
        assert client.get("/health/ready").json()["checks"] == {"database": "ok", "queue": "ok", "storage": "ok"}
        assert client.get("/docs/openapi.json").status_code == 200
    assert (tmp_path / "var" / "pixelmill.db").exists()
    assert any((tmp_path / "var" / "blobs" / "results").iterdir())
