"""Under `pixelmill serve` every log line is one JSON object, masked alike (uvicorn's and Litestar's set-ups used to
replace the JSON handler with plain text), and error answers are logged with their real status and request id."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from testbed.environment import CHEAP_ARGON2
from tests.support.server import serving

pytestmark = pytest.mark.slow
BANNER = "Pixelmill serves on "  # the one line `serve` prints for people, on stdout
LEAKED_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def test_every_line_serve_logs_is_one_masked_json_object(tmp_path: Path) -> None:
    with serving(tmp_path, CHEAP_ARGON2) as base, httpx.Client(base_url=base, timeout=10) as client:
        refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {LEAKED_TOKEN}", "X-Request-ID": "r-401"})
        client.post("/api/v1/auth/login", content=b"{broken", headers={"content-type": "application/json"})
        client.get("/nowhere")
        client.post("/api/v1/auth/signup", json={"email": "ada@example.com", "password": f"pw {LEAKED_TOKEN}"})
    lines = [line for line in next(tmp_path.glob("serve-*.log")).read_text().splitlines() if line.strip()]

    records = [json.loads(line) for line in lines if not line.startswith(BANNER)]  # fails on any plain-text line

    assert refused.status_code == 401 and refused.headers["x-request-id"] == "r-401"
    assert any(r.get("logger", "").startswith("uvicorn") for r in records)  # uvicorn's own lines are JSON too
    access = {r["request_id"]: r for r in records if r.get("logger") == "pixelmill.access"}
    assert access["r-401"]["status"] == 401
    assert LEAKED_TOKEN not in "\n".join(lines)
