"""Razorpay's protocol as both gateways speak it: event bodies, and signatures the official SDK agrees with."""

from __future__ import annotations

import json
from uuid import uuid4

import pytest
import razorpay

from adapters.razorpay import signatures
from adapters.razorpay.events import parse_event
from adapters.razorpay.gateway import RazorpayGateway
from adapters.sandbox.gateway import SandboxGateway
from application.ports.payment_gateway import (
    GatewayPayment,
    OtherEvent,
    PaymentCaptured,
    PaymentFailed,
    RefundProcessed,
)
from domain.errors import BadRequest

SANDBOX = SandboxGateway("key-secret", "webhook-secret")
PAYMENT = GatewayPayment("pay_29QQoUBi66xm2f", 9_900, "INR", "captured")


def body(event: str, **payload: object) -> bytes:
    entities = {name: {"entity": entity} for name, entity in payload.items()}
    return json.dumps({"entity": "event", "account_id": "acc_1", "event": event, "payload": entities}).encode()


def test_payment_captured_names_the_order_payment_amount_and_currency() -> None:
    hook = SANDBOX.payment_event("payment.captured", "order_1", PAYMENT)

    assert parse_event(hook.body) == PaymentCaptured("payment.captured", "order_1", PAYMENT.payment_id, 9_900, "INR")


def test_order_paid_takes_the_amount_paid_of_the_order() -> None:
    raw = body(
        "order.paid",
        payment={"id": "pay_1", "amount": 9_900, "currency": "INR", "order_id": "order_1", "notes": []},
        order={"id": "order_1", "amount": 9_900, "amount_paid": 9_900, "currency": "INR", "notes": {"a": "b"}},
    )

    assert parse_event(raw) == PaymentCaptured("order.paid", "order_1", "pay_1", 9_900, "INR")


def test_payment_failed_carries_the_reason() -> None:
    hook = SANDBOX.payment_event("payment.failed", "order_1", PAYMENT, reason="declined")

    expected = PaymentFailed("payment.failed", "order_1", PAYMENT.payment_id, 9_900, "INR", "declined")
    assert parse_event(hook.body) == expected


def test_refund_processed_names_the_refund_and_the_payments_order() -> None:
    event = parse_event(SANDBOX.refund_event("order_1", PAYMENT, 4_950).body)

    assert isinstance(event, RefundProcessed)
    assert (event.gateway_order_id, event.payment_id, event.amount) == ("order_1", PAYMENT.payment_id, 4_950)
    assert event.refund_id.startswith("rfnd_sbx_")


@pytest.mark.parametrize(
    "raw",
    [
        body("payment.captured"),
        body("payment.captured", payment={"id": "pay_1", "amount": "9900", "currency": "INR"}),
        body("payment.captured", payment={"id": "pay_1", "amount": -5, "currency": "INR"}),
        body("refund.processed", refund={"id": "rfnd_1"}),
        json.dumps({"event": "payment.captured", "payload": {"payment": []}}).encode(),
    ],
    ids=["no-entity", "amount-as-text", "negative", "refund-without-amount", "entity-not-an-object"],
)
def test_a_known_event_of_an_unknown_shape_is_not_acted_on(raw: bytes) -> None:
    assert parse_event(raw) == OtherEvent(json.loads(raw)["event"])


def test_other_events_are_named_as_they_came() -> None:
    assert parse_event(body("payment.authorized", payment={})) == OtherEvent("payment.authorized")


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b'"event"', b"{}", b'{"event": null}', b"\xff"])
def test_a_body_that_is_no_event_is_a_bad_request(raw: bytes) -> None:
    with pytest.raises(BadRequest):
        parse_event(raw)


def test_the_official_sdk_accepts_what_the_sandbox_signs() -> None:
    client = razorpay.Client(auth=("rzp_test_sandbox", "key-secret"))
    hook = SANDBOX.payment_event("payment.captured", "order_1", PAYMENT)

    assert client.utility.verify_webhook_signature(hook.body.decode(), hook.signature, "webhook-secret")
    assert client.utility.verify_payment_signature({
        "razorpay_order_id": "order_1",
        "razorpay_payment_id": PAYMENT.payment_id,
        "razorpay_signature": SANDBOX.sign_checkout("order_1", PAYMENT.payment_id),
    })  # fmt: skip


def test_the_razorpay_gateway_verifies_through_the_sdk_and_never_raises() -> None:
    gateway = RazorpayGateway("rzp_test_1", "key-secret", "webhook-secret", "http://127.0.0.1:9", timeout=1)
    hook = SANDBOX.payment_event("payment.captured", "order_1", PAYMENT)
    checkout = SANDBOX.sign_checkout("order_1", PAYMENT.payment_id)

    assert gateway.verify_webhook(hook.body, hook.signature)
    assert not gateway.verify_webhook(hook.body + b" ", hook.signature)
    assert not gateway.verify_webhook(hook.body, hook.signature[:-2])
    assert not gateway.verify_webhook(hook.body, "ü" * 64)
    assert not gateway.verify_webhook(b"\xff" + hook.body, hook.signature)
    assert gateway.verify_checkout("order_1", PAYMENT.payment_id, checkout)
    assert not gateway.verify_checkout("order_2", PAYMENT.payment_id, checkout)
    assert not gateway.verify_checkout("order_1", PAYMENT.payment_id, "ü")


def test_an_empty_secret_verifies_nothing_even_what_it_signed() -> None:
    unkeyed = RazorpayGateway("rzp_test_1", "", "", "http://127.0.0.1:9", timeout=1)
    empty = signatures.sign("", b"{}")

    assert not unkeyed.verify_webhook(b"{}", empty)
    assert not unkeyed.verify_checkout("order_1", "pay_1", signatures.sign("", b"order_1|pay_1"))
    assert not signatures.matches("", b"{}", empty)


async def test_sandbox_orders_have_ids_of_their_own_and_remember_payments() -> None:
    sandbox = SandboxGateway("k", "w")
    first = await sandbox.create_order(uuid4(), 9_900, "INR", "Starter")
    second = await sandbox.create_order(uuid4(), 9_900, "INR", "Starter")
    payment = sandbox.pay(first.gateway_order_id, 9_900, "INR")

    assert first.gateway_order_id != second.gateway_order_id
    assert await sandbox.fetch_order_payments(first.gateway_order_id) == [payment]
    assert await sandbox.fetch_order_payments(second.gateway_order_id) == []
