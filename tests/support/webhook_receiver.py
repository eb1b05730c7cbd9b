"""A real HTTP server on 127.0.0.1 that receives webhooks and answers as scripted (fails on purpose)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    answers: deque[int | float]  # a status code, or a float: seconds to stall before answering 200
    received: list[Received] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Poll (no sleeping on the outcome) until `count` requests arrived, or fail at the deadline."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} webhooks arrived within {timeout}s")
            time.sleep(0.02)
        return list(self.received)


@contextmanager
def receiving(*answers: int | float) -> Iterator[Receiver]:
    """A receiver answering `answers` in turn, then 200."""
    state = Receiver("", deque(answers))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            state.received.append(Received(time.monotonic(), self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            answer = state.answers.popleft() if state.answers else 200
            if isinstance(answer, float):
                time.sleep(answer)
                answer = 200
            self.send_response(answer)
            if 300 <= answer < 400:
                self.send_header("location", "http://127.0.0.1:1/elsewhere")
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
