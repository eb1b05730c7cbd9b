"""A local stand-in for Razorpay's Orders API (POST /v1/orders, GET /v1/orders/{id}/payments), as its docs describe it.

It answers on 127.0.0.1 on a port of its own, in a thread, and can be told to fail: an error answer, a server
error with an HTML body, or an answer that comes too late.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY_ID = "rzp_test_stubKeyId00001"
KEY_SECRET = "stub-key-secret"
WEBHOOK_SECRET = "stub-webhook-secret"

OK, BAD_REQUEST, SERVER_ERROR, SLOW = "ok", "bad-request", "server-error", "slow"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class RazorpayStub:
    url: str = ""
    mode: str = OK
    seen: list[Seen] = field(default_factory=list)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    payments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)

    def pay(self, order_id: str, status: str = "captured", amount: int | None = None) -> dict[str, Any]:
        """A payment on the order, as GET /v1/orders/{id}/payments will list it."""
        order = self.orders[order_id]
        payment = {
            "id": f"pay_{secrets.token_hex(7)}",
            "entity": "payment",
            "amount": order["amount"] if amount is None else amount,
            "currency": order["currency"],
            "status": status,
            "order_id": order_id,
            "method": "upi",
            "captured": status == "captured",
            "notes": [],
            "created_at": int(time.time()),
        }
        self.payments.setdefault(order_id, []).append(payment)
        return payment


def _handler(stub: RazorpayStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw) if raw else None
            stub.seen.append(Seen("POST", self.path, dict(self.headers), body))
            if not self._authorised():
                return
            if self.path != "/v1/orders":
                return self._error(404, "BAD_REQUEST_ERROR", "The requested URL was not found on the server.")
            if stub.mode == SLOW:
                stub.release.wait(10)
            if stub.mode == BAD_REQUEST:
                return self._error(400, "BAD_REQUEST_ERROR", "The amount must be at least INR 1.00")
            if stub.mode == SERVER_ERROR:
                return self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
            order = {
                "id": f"order_{secrets.token_hex(7)}",
                "entity": "order",
                "amount": body["amount"],
                "amount_paid": 0,
                "amount_due": body["amount"],
                "currency": body["currency"],
                "receipt": body.get("receipt"),
                "offer_id": None,
                "status": "created",
                "attempts": 0,
                "notes": body.get("notes") or [],
                "created_at": int(time.time()),
            }
            stub.orders[order["id"]] = order
            self._json(200, order)

        def do_GET(self) -> None:  # noqa: N802
            stub.seen.append(Seen("GET", self.path, dict(self.headers), None))
            if not self._authorised():
                return
            parts = self.path.split("?")[0].strip("/").split("/")
            if len(parts) != 4 or parts[:2] != ["v1", "orders"] or parts[3] != "payments":
                return self._error(404, "BAD_REQUEST_ERROR", "The requested URL was not found on the server.")
            if stub.mode == SERVER_ERROR:
                return self._send(502, b"Bad Gateway", "text/plain")
            if parts[2] not in stub.orders:
                return self._error(400, "BAD_REQUEST_ERROR", "The id provided does not exist")
            items = stub.payments.get(parts[2], [])
            self._json(200, {"entity": "collection", "count": len(items), "items": items})

        def _authorised(self) -> bool:
            expected = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._error(401, "BAD_REQUEST_ERROR", "Authentication failed")
                return False
            return True

        def _error(self, status: int, code: str, description: str) -> None:
            self._json(status, {"error": {"code": code, "description": description, "source": "NA", "step": "NA",
                                          "reason": "NA", "metadata": {}}})  # fmt: skip

        def _json(self, status: int, payload: object) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json")

        def _send(self, status: int, data: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

    return Handler


@contextmanager
def razorpay_stub() -> Iterator[RazorpayStub]:
    stub = RazorpayStub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    server.daemon_threads = True
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="razorpay-stub", daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        stub.release.set()  # a slow answer still waiting is let go
        server.shutdown()
        server.server_close()
        thread.join(5)
