"""A huge upload from a slow sender is cut off at the limit while streaming; the server's memory stays bounded.

Bound: the server's peak RSS grows by less than 3 × MAX_UPLOAD_BYTES + 48 MiB while a 200 MB body is sent.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image

from tests.support.server import CHEAP_ARGON2, serving

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
LIMIT = 8 * MIB
SENT = 200 * 1000 * 1000


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def slow_multipart(boundary: str, total: int) -> Iterator[bytes]:
    """A multipart body with a JPEG-looking file part that goes on for `total` bytes, in small slow chunks."""
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nhuge\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="huge.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    chunk = b"\xff" * (256 * 1024)
    for index in range(total // len(chunk)):
        if index < 8:
            time.sleep(0.05)  # a slow start, as from a phone on a bad line
        yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def test_a_200_mb_chunked_upload_is_refused_at_the_limit_with_bounded_memory(tmp_path: Path) -> None:
    env = {**CHEAP_ARGON2, "PIXELMILL_MAX_UPLOAD_BYTES": str(LIMIT)}
    with serving(tmp_path, env) as base, httpx.Client(base_url=base, timeout=60) as client:
        credentials = {"email": "big@example.com", "password": "correct horse"}
        client.post("/api/v1/auth/signup", json=credentials).raise_for_status()
        token = client.post("/api/v1/auth/login", json=credentials).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        pid = _server_pid(tmp_path)
        before = peak_rss(pid)

        started = time.monotonic()
        try:
            response = client.post(
                "/api/v1/tasks",
                content=slow_multipart("pixelmillboundary", SENT),
                headers={"Content-Type": "multipart/form-data; boundary=pixelmillboundary"},
            )
            status = response.status_code
        except httpx.TransportError:
            status = 413  # the server may close the connection once it has answered
        elapsed = time.monotonic() - started
        grown = peak_rss(pid) - before

        assert status == 413
        assert grown < 3 * LIMIT + 48 * MIB, f"peak RSS grew by {grown / MIB:.1f} MiB"
        print(f"\n200 MB chunked upload: 413 after {elapsed:.2f}s, server peak RSS grew {grown / MIB:.1f} MiB")

        image = io.BytesIO()
        Image.new("RGB", (8, 8)).save(image, "JPEG")
        accepted = client.post("/api/v1/tasks", data={"title": "small"}, files={"image": ("s.jpg", image.getvalue())})
        assert accepted.status_code == 202
        assert client.get("/api/v1/credits").json()["balance"] == 9  # only the small one was charged


def _server_pid(cwd: Path) -> int:
    for status in Path("/proc").glob("[0-9]*/cwd"):
        try:
            if status.resolve() == cwd.resolve() and "serve" in (status.parent / "cmdline").read_text():
                return int(status.parent.name)
        except OSError:
            continue
    raise AssertionError("no serve process found")
