"""Outbound webhooks: a user's endpoints, the events they subscribe to, and each signed delivery's retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit
from uuid import UUID

from domain.errors import FieldError, ValidationFailed

SECRET_PREFIX = "whsec_"
URL_MAX = 2048
MAX_ENDPOINTS = 20
LOW_CREDITS_DEFAULT = 5


class EventType(StrEnum):
    TASK_COMPLETED = "task.completed"
    TASK_FAILED = "task.failed"
    CREDITS_PURCHASED = "credits.purchased"
    CREDITS_LOW = "credits.low"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass
class WebhookEndpoint:
    id: UUID
    user_id: UUID
    url: str
    events: tuple[EventType, ...]
    secret: str
    created_at: datetime
    low_credits_below: int = LOW_CREDITS_DEFAULT
    failure_streak: int = 0
    disabled_at: datetime | None = None
    disabled_reason: str | None = None


@dataclass
class Delivery:
    """One event for one endpoint; its id is the `webhook-id`, the same on every retry."""

    id: UUID
    endpoint_id: UUID
    event: EventType
    body: str
    created_at: datetime
    next_attempt_at: datetime
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: first retry after `first`, doubling up to `cap`, given up `window` after creation."""

    first: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(hours=24)
    disable_after: int = 20  # failed attempts in a row, across the endpoint's deliveries

    def next_attempt(self, delivery: Delivery, now: datetime) -> datetime | None:
        """When to try again after `delivery.attempts` failures, or None when the window is spent."""
        delay = min(self.first * 2 ** max(0, delivery.attempts - 1), self.cap)
        at = now + delay
        return at if at <= delivery.created_at + self.window else None


def parse_events(raw: list[str] | None) -> tuple[EventType, ...]:
    if raw is None:
        return tuple(EventType)
    known = {event.value for event in EventType}
    if not raw or any(value not in known for value in raw):
        raise ValidationFailed(FieldError("events", f"must be a non-empty list of: {', '.join(sorted(known))}"))
    return tuple(event for event in EventType if event.value in raw)


def check_target_url(url: str, allow_http: bool) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable URL; raises ValidationFailed. Addresses are checked separately."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationFailed(FieldError("url", "is not a valid URL")) from None
    schemes = ("https", "http") if allow_http else ("https",)
    if len(url) > URL_MAX or parts.scheme not in schemes or not parts.hostname or not url.isprintable():
        wanted = "an http or https URL" if allow_http else "an https URL"
        raise ValidationFailed(FieldError("url", f"must be {wanted} of at most {URL_MAX} characters"))
    if parts.username or parts.password:
        raise ValidationFailed(FieldError("url", "must not carry credentials"))
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


# Cloud metadata services that sit outside the private ranges Python already knows.
_METADATA = [ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("fd00:ec2::/32")]


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local (169.254.169.254 too), multicast, reserved and metadata ranges."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _METADATA if network.version == ip.version):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_link_local or ip.is_loopback)


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks `webhook-signature` value: v1 and the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}"."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
