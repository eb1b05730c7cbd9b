"""The in-memory store every fake repository shares: one MemoryState per fake database, and its helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.api_keys import ApiKey
from domain.audit import AuditEntry
from domain.credits import LedgerEntry
from domain.cursor import decode_cursor, encode_cursor
from domain.orders import Order, Payment
from domain.outbound_webhooks import Delivery, WebhookEndpoint
from domain.plans import DEFAULT_PLANS, Plan
from domain.presets import Preset
from domain.sessions import RefreshToken
from domain.share_links import ShareLink
from domain.money_refunds import MoneyRefund
from domain.tasks import KeptKey, Task
from domain.users import User
from domain.values import Page
from domain.webhooks import WebhookEvent


def seeded_plans() -> dict[UUID, Plan]:
    """A fresh store starts where the migration leaves a database: with the default plans."""
    return {plan.id: plan for plan in DEFAULT_PLANS}


def newest_first_page(items: list[Any], limit: int, cursor: str | None) -> Page[Any]:
    ordered = sorted(items, key=lambda item: (item.created_at, item.id), reverse=True)
    if cursor is not None:
        position = decode_cursor(cursor)
        ordered = [item for item in ordered if (item.created_at, item.id) < position]
    chosen = ordered[:limit]
    more = len(ordered) > limit
    last = chosen[-1] if chosen else None
    return Page(chosen, encode_cursor(last.created_at, last.id) if more and last else None)


@dataclass
class MemoryState:
    users: dict[UUID, User] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    tasks: dict[UUID, Task] = field(default_factory=dict)
    kept_keys: dict[tuple[UUID, str], KeptKey] = field(default_factory=dict)
    refresh_tokens: dict[UUID, RefreshToken] = field(default_factory=dict)
    plans: dict[UUID, Plan] = field(default_factory=seeded_plans)
    orders: dict[UUID, Order] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)
    webhook_events: dict[tuple[str, str], WebhookEvent] = field(default_factory=dict)
    api_keys: dict[UUID, ApiKey] = field(default_factory=dict)
    presets: dict[UUID, Preset] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    webhook_endpoints: dict[UUID, WebhookEndpoint] = field(default_factory=dict)
    deliveries: dict[UUID, Delivery] = field(default_factory=dict)
    share_links: dict[str, ShareLink] = field(default_factory=dict)
    money_refunds: dict[UUID, MoneyRefund] = field(default_factory=dict)
