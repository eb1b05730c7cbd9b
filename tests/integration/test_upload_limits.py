"""A huge upload from a slow sender is cut off at the limit while streaming; the server's memory stays bounded.

Bound: the server's peak RSS grows by less than 3 × MAX_UPLOAD_BYTES + 48 MiB while a 200 MB body is sent.
"""

from __future__ import annotations

import io
import json
import select
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PIL import Image

from testbed.environment import CHEAP_ARGON2
from tests.support.server import serving

pytestmark = pytest.mark.slow

MIB = 1024 * 1024
LIMIT = 8 * MIB
SENT = 200 * 1000 * 1000
CUT_OFF_SECONDS = 30  # generous on a loaded machine: the slow start is 0.4 s, the rest loopback


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


@dataclass
class Answer:
    status: int | None  # None: the connection closed before any answer came
    sent: int  # body bytes handed to the socket before the answer (or the close) was seen
    seconds: float


def upload_while_listening(base: str, token: str, total: int) -> Answer:
    """POST a chunked multipart body of `total` bytes, slowly at first, and stop sending as soon as an answer
    arrives: how much was sent by then tells a cut-off while streaming from a body read to its end."""
    url = httpx.URL(base)
    boundary = "pixelmillboundary"
    head = (
        f"POST /api/v1/tasks HTTP/1.1\r\nHost: {url.host}:{url.port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    preamble = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nhuge\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="huge.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    chunk = b"\xff" * (256 * 1024)
    started = time.monotonic()
    sent = 0
    with socket.create_connection((url.host, url.port), timeout=CUT_OFF_SECONDS) as conn:
        conn.sendall(head + _chunked(preamble))
        try:
            for index in range(total // len(chunk)):
                if select.select([conn], [], [], 0)[0]:
                    break  # the server has answered (or closed): stop, as a browser would
                if index < 8:
                    time.sleep(0.05)  # a slow start, as from a phone on a bad line
                conn.sendall(_chunked(chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed after answering: the answer is still to be read
        try:
            first = conn.recv(4096).split(b"\r\n", 1)[0]  # `HTTP/1.1 413 Request Entity Too Large`
        except ConnectionResetError:
            first = b""
    status = int(first.split()[1]) if first.startswith(b"HTTP/1.1 ") else None
    return Answer(status, sent, time.monotonic() - started)


def _chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def statuses_logged(cwd: Path, method: str, path: str) -> list[int]:
    """The statuses the server's own access log gives for a route: its JSON `request` lines."""
    lines = (line for log in cwd.glob("serve-*.log") for line in log.read_text().splitlines() if line.startswith("{"))
    events = [json.loads(line) for line in lines]
    return [e["status"] for e in events if e.get("event") == "request" and (e.get("method"), e.get("path")) == (method, path)]


def statuses_logged_soon(cwd: Path, method: str, path: str, timeout: float = 10.0) -> list[int]:
    """The access log line is written once the server has finished the exchange, which may be a moment after the
    client has its answer: poll for it with a deadline."""
    deadline = time.monotonic() + timeout
    while not (statuses := statuses_logged(cwd, method, path)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return statuses


def test_a_200_mb_chunked_upload_is_refused_at_the_limit_with_bounded_memory(tmp_path: Path) -> None:
    env = {**CHEAP_ARGON2, "PIXELMILL_MAX_UPLOAD_BYTES": str(LIMIT)}
    with serving(tmp_path, env) as base, httpx.Client(base_url=base, timeout=60) as client:
        credentials = {"email": "big@example.com", "password": "correct horse"}
        client.post("/api/v1/auth/signup", json=credentials).raise_for_status()
        token = client.post("/api/v1/auth/login", json=credentials).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        pid = _server_pid(tmp_path)
        before = peak_rss(pid)

        answer = upload_while_listening(base, token, SENT)
        grown = peak_rss(pid) - before

        assert statuses_logged_soon(tmp_path, "POST", "/api/v1/tasks") == [413], "the server itself answered 413"
        assert answer.status in (413, None), answer  # None: the close raced ahead of our read; the log has it
        assert answer.sent < SENT // 4, f"{answer.sent / MIB:.0f} MiB went before the answer: no cut-off"
        assert answer.seconds < CUT_OFF_SECONDS, f"413 only after {answer.seconds:.1f}s"
        assert grown < 3 * LIMIT + 48 * MIB, f"peak RSS grew by {grown / MIB:.1f} MiB"
        print(f"\n200 MB chunked upload: {answer.status} after {answer.seconds:.2f}s and {answer.sent / MIB:.0f} MiB "
              f"sent, server peak RSS grew {grown / MIB:.1f} MiB")

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
