"""Razorpay's entities and webhook events, built field by field from its documented payload shapes.

Written from the documentation, not from Pixelmill's parser (adapters/razorpay/events.py), so that a test built on
these catches a parser that drifted from what Razorpay sends. Each builder names the page it follows.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

ACCOUNT_ID = "acc_StubAccount0001"


def new_id(prefix: str) -> str:
    """Razorpay ids are a prefix and 14 alphanumerics (pay_DESlfW9H8K9uqM)."""
    return f"{prefix}_{secrets.token_hex(7)}"


# https://razorpay.com/docs/api/orders/entity (razorpay/markdown-docs api/orders/entity.md)
def order_entity(amount: int, currency: str, receipt: str | None, notes: dict[str, str] | None) -> dict[str, Any]:
    return {
        "id": new_id("order"),
        "entity": "order",
        "amount": amount,
        "amount_paid": 0,
        "amount_due": amount,
        "currency": currency,
        "receipt": receipt,
        "offer_id": None,
        "status": "created",  # created → attempted (a payment was tried) → paid (a payment was captured)
        "attempts": 0,
        "notes": notes or [],  # an empty notes field is an empty JSON array
        "created_at": int(time.time()),
    }


# https://razorpay.com/docs/api/payments/entity and the UPI samples of
# https://razorpay.com/docs/webhooks/payments (razorpay/markdown-docs webhooks/payments.md)
def payment_entity(order_id: str, amount: int, currency: str, status: str) -> dict[str, Any]:
    failed = status == "failed"
    return {
        "id": new_id("pay"),
        "entity": "payment",
        "amount": amount,
        "currency": currency,
        "base_amount": amount,
        "status": status,  # created, authorized, captured, refunded, failed
        "order_id": order_id,
        "invoice_id": None,
        "international": False,
        "method": "upi",
        "amount_refunded": 0,
        "amount_transferred": 0,
        "refund_status": None,  # null, partial, full
        "captured": status == "captured",  # stays false for a payment auto-refunded without a capture
        "description": None,
        "card_id": None,
        "bank": None,
        "wallet": None,
        "vpa": "gaurav.kumar@exampleupi",
        "email": "gaurav.kumar@example.com",
        "contact": "+919876543210",
        "notes": [],
        "fee": None if failed else 2,
        "tax": None if failed else 0,
        "error_code": "BAD_REQUEST_ERROR" if failed else None,
        "error_description": "Payment failed" if failed else None,
        "error_source": "customer" if failed else None,
        "error_step": "payment_authorization" if failed else None,
        "error_reason": "payment_failed" if failed else None,
        "acquirer_data": {"rrn": "0125836177"},
        "created_at": int(time.time()),
        "upi": {"payer_account_type": "bank_account", "vpa": "gaurav.kumar@exampleupi", "flow": "intent"},
    }


# https://razorpay.com/docs/api/refunds/entity and the samples of https://razorpay.com/docs/webhooks/refunds; a
# merchant's refund answers POST /v1/payments/{id}/refund with this entity, as on
# https://razorpay.com/docs/api/refunds/create-normal (its `notes` and `receipt` echo the request's)
def refund_entity(
    payment_id: str,
    amount: int,
    currency: str,
    notes: dict[str, str] | None = None,
    receipt: str | None = None,
    speed: str = "normal",
) -> dict[str, Any]:
    return {
        "id": new_id("rfnd"),
        "entity": "refund",
        "amount": amount,
        "currency": currency,
        "payment_id": payment_id,
        "notes": notes or [],  # [] when empty, an object otherwise
        "receipt": receipt,
        "acquirer_data": {"arn": None},
        "created_at": int(time.time()),
        "batch_id": None,
        "status": "processed",  # pending, processed, failed
        "speed_processed": "normal",  # auto-refunds are always processed at normal speed
        "speed_requested": speed,
    }


# The envelope of every sample on https://razorpay.com/docs/webhooks/payments and .../webhooks/refunds:
# "contains" names the entities of "payload", each wrapped as {"entity": {...}}.
def event_body(event: str, entities: dict[str, dict[str, Any]]) -> bytes:
    envelope = {
        "entity": "event",
        "account_id": ACCOUNT_ID,
        "event": event,
        "contains": list(entities),
        "payload": {name: {"entity": entity} for name, entity in entities.items()},
        "created_at": int(time.time()),
    }
    return json.dumps(envelope, separators=(",", ":")).encode()


# https://razorpay.com/docs/api/refunds/fetch-multiple-refund-payment and .../api/orders/fetch-payments
def collection(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"entity": "collection", "count": len(items), "items": items}


# The error body of every API page's "Failure" sample, e.g. https://razorpay.com/docs/api/payments/capture
def error(description: str, code: str = "BAD_REQUEST_ERROR") -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "description": description,
            "source": "business",
            "step": "payment_initiation",
            "reason": "input_validation_failed",
            "metadata": {},
        }
    }
