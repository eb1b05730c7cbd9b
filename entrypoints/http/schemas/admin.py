"""Admin bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from application.use_cases.admin.refund_order import OrderRefund
from domain.audit import AuditEntry
from domain.users import User
from domain.values import Page

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, description="why, kept in the audit log")]


class ReasonBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


class CreditsBody(msgspec.Struct, forbid_unknown_fields=True):
    delta: Annotated[int, msgspec.Meta(ge=-1_000_000, le=1_000_000, description="credits to grant (>0) or take (<0)")]
    reason: Reason


class OrderRefundOut(msgspec.Struct):
    order_id: UUID
    user_id: UUID
    credits_reversed: int
    shortfall: int
    amount_refunded: int  # money returned to the buyer through the gateway, in the currency's smallest unit
    gateway_refund_id: str | None  # the gateway's refund id; null when no money was left to return

    @classmethod
    def of(cls, refund: OrderRefund) -> OrderRefundOut:
        return cls(
            refund.order_id, refund.user_id, refund.credits_reversed, refund.shortfall, refund.amount_refunded,
            refund.gateway_refund_id,
        )


class AdminUserOut(msgspec.Struct):
    id: UUID
    email: str
    credits: int
    created_at: datetime
    email_verified: bool
    is_admin: bool
    disabled: bool
    disabled_at: datetime | None
    deleted_at: datetime | None

    @classmethod
    def of(cls, user: User) -> AdminUserOut:
        return cls(
            user.id,
            user.email,
            user.credits,
            user.created_at,
            user.email_verified,
            user.is_admin,
            user.disabled_at is not None,
            user.disabled_at,
            user.deleted_at,
        )


class AdminUserPage(msgspec.Struct):
    items: list[AdminUserOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[User]) -> AdminUserPage:
        return cls([AdminUserOut.of(user) for user in page.items], page.next_cursor)


class AuditOut(msgspec.Struct):
    id: UUID
    actor: str
    action: str
    subject: str
    reason: str
    created_at: datetime

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditOut:
        return cls(entry.id, entry.actor, entry.action.value, entry.subject, entry.reason, entry.created_at)


class AuditPage(msgspec.Struct):
    items: list[AuditOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[AuditEntry]) -> AuditPage:
        return cls([AuditOut.of(entry) for entry in page.items], page.next_cursor)
