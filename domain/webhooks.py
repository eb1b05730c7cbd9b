"""Webhook deliveries, kept for audit and de-duplication: one row per gateway event id."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

EVENT_ID_MAX = 255


class WebhookOutcome(StrEnum):
    RECEIVED = "received"  # stored, not yet settled: only ever seen inside the transaction
    CAPTURED = "captured"
    ALREADY_PAID = "already_paid"
    MISMATCH = "mismatch"
    FAILED = "failed"
    REFUNDED = "refunded"
    UNKNOWN_ORDER = "unknown_order"
    IGNORED = "ignored"
    # Outcomes of deliveries that are counted, never stored as events of their own.
    DUPLICATE = "duplicate"
    INVALID_SIGNATURE = "invalid_signature"
    MALFORMED = "malformed"


@dataclass
class WebhookEvent:
    id: UUID
    gateway: str
    event_id: str
    event_type: str
    payload: str
    received_at: datetime
    last_delivery_at: datetime
    outcome: WebhookOutcome = WebhookOutcome.RECEIVED
    order_id: UUID | None = None
    deliveries: int = 1


def event_id_of(header: str | None, body: bytes) -> str:
    """The gateway's event id when it sent one; otherwise the body's hash, so that a resent body is still a repeat."""
    header = (header or "").strip()
    if header and len(header) <= EVENT_ID_MAX and header.isprintable():
        return header
    if header:
        return "sha256-id:" + hashlib.sha256(header.encode()).hexdigest()
    return "sha256:" + hashlib.sha256(body).hexdigest()
