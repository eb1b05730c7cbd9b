"""A local stand-in for Razorpay's API and webhooks, as its docs describe them.

API: POST and GET /v1/orders, GET /v1/orders/{id}/payments, GET /v1/payments/{id}, POST /v1/payments/{id}/capture,
POST /v1/payments/{id}/refund (idempotent under X-Refund-Idempotency) and GET /v1/payments/{id}/refunds. It answers on 127.0.0.1 on a port of its own, in a thread, and can be told to fail:
an error answer, a server error with an HTML body, or an answer that comes too late.

Money moves as on the real service: with automatic capture a payment is captured at once and pays its order; a
second payment on a paid order is auto-refunded at once without a capture (`captured: false`); with manual capture
a payment stays `authorized` until captured through the API, or is auto-refunded. `webhook()` signs the event the
service would send for a payment (and refund), with the current webhook secret or an older one.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support import razorpay_payloads as payloads

KEY_ID = "rzp_test_stubKeyId00001"
KEY_SECRET = "stub-key-secret"
WEBHOOK_SECRET = "stub-webhook-secret"
OLD_WEBHOOK_SECRET = "stub-webhook-secret-before-rotation"

OK, BAD_REQUEST, SERVER_ERROR, SLOW = "ok", "bad-request", "server-error", "slow"
MAX_LISTED = 100  # Razorpay's largest `count` for a list


class StubRefused(Exception):
    """What the real service would answer with a 400 error."""


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Delivery:
    """A webhook as Razorpay posts it: the raw body, X-Razorpay-Signature and X-Razorpay-Event-Id."""

    body: bytes
    signature: str
    event_id: str


@dataclass
class RazorpayStub:
    url: str = ""
    mode: str = OK
    seen: list[Seen] = field(default_factory=list)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    payments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by order id, oldest first
    refunds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by payment id, oldest first
    idempotent: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)  # key: (body, refund)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # What buyers, Razorpay and the merchant's Dashboard do.

    def pay(self, order_id: str, status: str = "captured", amount: int | None = None) -> dict[str, Any]:
        """The buyer pays the order: captured (automatic capture), authorized (manual capture) or failed."""
        order = self.orders[order_id]
        payment = payloads.payment_entity(
            order_id, order["amount"] if amount is None else amount, order["currency"], status
        )
        with self.lock:
            self.payments.setdefault(order_id, []).append(payment)
            order["attempts"] += 1
            order["status"] = "paid" if order["status"] == "paid" else "attempted"
            if status == "captured":
                if order["status"] == "paid":
                    # A duplicate payment on a paid order is never captured: Razorpay refunds it at once.
                    payment.update(status="authorized", captured=False)
                    self._refund(payment, payment["amount"])
                else:
                    self._settle(order, payment)
        return payment

    def capture(self, payment_id: str, amount: int, currency: str) -> dict[str, Any]:
        """POST /v1/payments/{id}/capture; raises StubRefused with the documented error descriptions."""
        with self.lock:
            payment = self.payment(payment_id)
            if payment["status"] == "captured":
                raise StubRefused("This payment has already been captured")
            if payment["status"] != "authorized":
                raise StubRefused("Only payments which have been authorized and not yet captured can be captured")
            if amount != payment["amount"] or currency != payment["currency"]:
                raise StubRefused("Capture amount must be equal to the amount authorized")
            order = self.orders[payment["order_id"]]
            if order["status"] == "paid":
                raise StubRefused(
                    "Your payment has been declined as the order is already paid. "
                    "Please initiate the payment with a new order."
                )
            self._settle(order, payment)
            return payment

    def auto_refund(self, payment_id: str) -> dict[str, Any]:
        """Razorpay returns an authorized payment that was not captured in time; the refund."""
        with self.lock:
            payment = self.payment(payment_id)
            assert payment["status"] == "authorized", "only authorized payments are auto-refunded"
            return self._refund(payment, payment["amount"])

    def refund(self, payment_id: str, amount: int | None = None) -> dict[str, Any]:
        """The merchant refunds part or all of a captured payment; the refund."""
        with self.lock:
            payment = self.payment(payment_id)
            assert payment["captured"], "only captured payments can be refunded by the merchant"
            return self._refund(payment, payment["amount"] - payment["amount_refunded"] if amount is None else amount)

    def api_refund(self, payment_id: str, body: dict[str, Any], key: str | None) -> dict[str, Any]:
        """POST /v1/payments/{id}/refund (razorpay.com/docs/api/refunds/create-normal and …/normal-refunds-idempotent):
        a repeated X-Refund-Idempotency key answers with the first refund, provided the body is the same."""
        with self.lock:
            if key is not None and key in self.idempotent:
                first_body, refund = self.idempotent[key]
                if first_body != body:
                    raise StubRefused("The request body does not match the original request for this idempotency key")
                return refund
            payment = self.payment(payment_id)
            if not payment["captured"]:
                raise StubRefused("The payment has not been captured")
            left = payment["amount"] - payment["amount_refunded"]
            amount = body.get("amount", left)  # no amount: a full refund
            if left <= 0:
                raise StubRefused("The payment has been fully refunded already")
            if not isinstance(amount, int) or not 0 < amount <= left:
                raise StubRefused("The refund amount provided is greater than amount captured")
            refund = self._refund(payment, amount, body.get("notes"), body.get("receipt"), body.get("speed", "normal"))
            if key is not None:
                self.idempotent[key] = (copy.deepcopy(body), refund)
            return refund

    def webhook(
        self,
        event: str,
        payment: dict[str, Any],
        refund: dict[str, Any] | None = None,
        secret: str = WEBHOOK_SECRET,
    ) -> Delivery:
        """The event Razorpay posts about the payment as it is now, signed with `secret`."""
        entities: dict[str, dict[str, Any]] = {}
        if refund is not None:
            entities["refund"] = copy.deepcopy(refund)
        entities["payment"] = copy.deepcopy(payment)
        if event.startswith("order."):
            entities["order"] = copy.deepcopy(self.orders[payment["order_id"]])
        body = payloads.event_body(event, entities)
        signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return Delivery(body, signature, payloads.new_id("evt"))

    def payment(self, payment_id: str) -> dict[str, Any]:
        for items in self.payments.values():
            for payment in items:
                if payment["id"] == payment_id:
                    return payment
        raise StubRefused("The id provided does not exist")

    def _settle(self, order: dict[str, Any], payment: dict[str, Any]) -> None:
        payment.update(status="captured", captured=True)
        order.update(status="paid", amount_paid=payment["amount"], amount_due=0)

    def _refund(
        self, payment: dict[str, Any], amount: int, notes: dict[str, str] | None = None, receipt: str | None = None,
        speed: str = "normal",
    ) -> dict[str, Any]:
        refund = payloads.refund_entity(payment["id"], amount, payment["currency"], notes, receipt, speed)
        self.refunds.setdefault(payment["id"], []).append(refund)
        payment["amount_refunded"] += amount
        full = payment["amount_refunded"] >= payment["amount"]
        payment["refund_status"] = "full" if full else "partial"
        if full:
            payment["status"] = "refunded"  # `captured` keeps saying whether it ever was
        return refund

    # The HTTP API.

    def create_order(self, body: dict[str, Any]) -> dict[str, Any]:
        order = payloads.order_entity(body["amount"], body["currency"], body.get("receipt"), body.get("notes"))
        self.orders[order["id"]] = order
        return order

    def answer_get(self, parts: list[str]) -> dict[str, Any]:
        if parts == ["v1", "orders"]:  # `?count=1`, as `pixelmill doctor` asks to check the keys
            return payloads.collection(list(self.orders.values())[-1:])
        if len(parts) == 4 and parts[:2] == ["v1", "orders"] and parts[3] == "payments":
            if parts[2] not in self.orders:
                raise StubRefused("The id provided does not exist")
            return payloads.collection(self.payments.get(parts[2], [])[:MAX_LISTED])
        if len(parts) == 3 and parts[:2] == ["v1", "payments"]:
            return self.payment(parts[2])
        if len(parts) == 4 and parts[:2] == ["v1", "payments"] and parts[3] == "refunds":
            self.payment(parts[2])
            return payloads.collection(self.refunds.get(parts[2], [])[:MAX_LISTED])
        raise LookupError

    def answer_post(self, parts: list[str], body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        if parts == ["v1", "orders"]:
            return self.create_order(body)
        if len(parts) == 4 and parts[:2] == ["v1", "payments"] and parts[3] == "refund":
            return self.api_refund(parts[2], body, headers.get("X-Refund-Idempotency"))
        if len(parts) == 4 and parts[:2] == ["v1", "payments"] and parts[3] == "capture":
            return self.capture(parts[2], body.get("amount"), body.get("currency"))
        raise LookupError


def _handler(stub: RazorpayStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw) if raw else {}
            stub.seen.append(Seen("POST", self.path, dict(self.headers), body))
            if not self._authorised():
                return
            if stub.mode == SLOW:
                stub.release.wait(10)
            if stub.mode == BAD_REQUEST:
                return self._error(400, "The amount must be at least INR 1.00")
            if stub.mode == SERVER_ERROR:
                return self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
            self._answer(lambda parts: stub.answer_post(parts, body, dict(self.headers)))

        def do_GET(self) -> None:  # noqa: N802
            stub.seen.append(Seen("GET", self.path, dict(self.headers), None))
            if not self._authorised():
                return
            if stub.mode == SERVER_ERROR:
                return self._send(502, b"Bad Gateway", "text/plain")
            self._answer(stub.answer_get)

        def _answer(self, answer: Any) -> None:
            parts = self.path.split("?")[0].strip("/").split("/")
            try:
                self._json(200, answer(parts))
            except StubRefused as refused:
                self._error(400, str(refused))
            except LookupError:
                self._error(400, "The requested URL was not found on the server.")

        def _authorised(self) -> bool:
            expected = "Basic " + base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._error(401, "Authentication failed")
                return False
            return True

        def _error(self, status: int, description: str) -> None:
            self._json(status, payloads.error(description))

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
