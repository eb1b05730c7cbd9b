"""A signed event's text made storable: a gateway bug (or a leaked secret) must not turn a delivery into a 500."""

from __future__ import annotations

from dataclasses import fields, replace

from application.ports.payment_gateway import GatewayEvent
from domain.text import printable_for_storage

# The narrowest column an event's identifiers go into (webhook_events.event_type, payments.gateway_payment_id).
ID_MAX = 100
FREE_TEXT = {"reason"}


def storable_event(event: GatewayEvent) -> GatewayEvent:
    """The event with NUL and lone surrogates replaced and identifiers cut to their column's width."""
    changes: dict[str, str] = {}
    for field in fields(event):
        value = getattr(event, field.name)
        if not isinstance(value, str):
            continue
        clean = printable_for_storage(value)
        if field.name not in FREE_TEXT:
            clean = clean[:ID_MAX]
        if clean != value:
            changes[field.name] = clean
    return replace(event, **changes) if changes else event  # type: ignore[type-var]
