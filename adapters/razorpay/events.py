"""Razorpay webhook bodies to typed events; the sandbox signs bodies of the very same shape.

Envelope: {"entity": "event", "event": "payment.captured", "payload": {"payment": {"entity": {...}}}, ...}.
A known event whose entities do not have the documented shape is returned as OtherEvent: acknowledged, not acted on.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, TypeVar

import msgspec

from application.ports.payment_gateway import GatewayEvent, OtherEvent, PaymentCaptured, PaymentFailed, RefundProcessed
from domain.errors import BadRequest

log = logging.getLogger(__name__)

E = TypeVar("E")
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Amount = Annotated[int, msgspec.Meta(ge=0)]
Currency = Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
EVENT_TYPE_MAX = 100


class Envelope(msgspec.Struct):
    event: str
    payload: dict[str, Any] = {}


class PaymentEntity(msgspec.Struct):
    id: Id
    amount: Amount
    currency: Currency
    order_id: Id | None = None
    status: str | None = None
    error_description: str | None = None


class OrderEntity(msgspec.Struct):
    id: Id
    currency: Currency
    amount_paid: Amount | None = None


class RefundEntity(msgspec.Struct):
    id: Id
    payment_id: Id
    amount: Amount
    currency: Currency


def parse_event(body: bytes) -> GatewayEvent:
    """Raises BadRequest unless the body is a JSON object with an `event` name."""
    try:
        envelope = msgspec.json.decode(body, type=Envelope)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError too
        raise BadRequest("the body is not a JSON payment event") from exc
    kind = envelope.event[:EVENT_TYPE_MAX]
    try:
        return _typed(kind, envelope.payload)
    except (msgspec.ValidationError, KeyError, TypeError) as exc:
        log.warning("a %s event has a shape Pixelmill does not know (%s): acknowledged, not acted on", kind, exc)
        return OtherEvent(kind)


def _typed(kind: str, payload: dict[str, Any]) -> GatewayEvent:
    if kind == "payment.captured":
        payment = _entity(payload, "payment", PaymentEntity)
        return PaymentCaptured(kind, payment.order_id, payment.id, payment.amount, payment.currency)
    if kind == "order.paid":
        payment = _entity(payload, "payment", PaymentEntity)
        order = _entity(payload, "order", OrderEntity)
        amount = order.amount_paid if order.amount_paid is not None else payment.amount
        return PaymentCaptured(kind, order.id, payment.id, amount, order.currency)
    if kind == "payment.failed":
        payment = _entity(payload, "payment", PaymentEntity)
        return PaymentFailed(
            kind, payment.order_id, payment.id, payment.amount, payment.currency, payment.error_description
        )
    if kind == "refund.processed":
        refund = _entity(payload, "refund", RefundEntity)
        order_id = _entity(payload, "payment", PaymentEntity).order_id if "payment" in payload else None
        return RefundProcessed(kind, order_id, refund.payment_id, refund.id, refund.amount, refund.currency)
    return OtherEvent(kind)


def _entity(payload: dict[str, Any], name: str, shape: type[E]) -> E:
    return msgspec.convert(payload[name]["entity"], shape)


def event_body(event: str, entities: dict[str, dict[str, Any]], account_id: str, created_at: int) -> bytes:
    """A body shaped as Razorpay sends it (for the sandbox and for tests)."""
    envelope = {
        "entity": "event",
        "account_id": account_id,
        "event": event,
        "contains": list(entities),
        "payload": {name: {"entity": entity} for name, entity in entities.items()},
        "created_at": created_at,
    }
    return msgspec.json.encode(envelope)
