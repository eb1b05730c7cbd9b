"""Repositories the unit of work owns. Races are settled inside them, by the store."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.credits import LedgerEntry, Reason
from domain.orders import Order, Payment, PaymentKind
from domain.plans import Plan
from domain.sessions import RefreshToken
from domain.tasks import KeptKey, Status, Task
from domain.users import User
from domain.values import Page
from domain.webhooks import WebhookEvent, WebhookOutcome


class UserRepository(Protocol):
    async def add(self, user: User) -> None:
        """Insert a user; raises EmailTaken when the (normalised) email exists."""
        ...

    async def get(self, user_id: UUID) -> User | None:
        """The user, or None."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """The user with that normalised email, or None."""
        ...

    async def update(self, user: User) -> None:
        """Store the user's email, password hash and flags (never credits); raises EmailTaken."""
        ...

    async def replace_password(self, user_id: UUID, old_hash: str, new_hash: str) -> bool:
        """Set new_hash only if the stored hash is still old_hash; False otherwise (of two racing changes, one wins)."""
        ...

    async def search(self, email: str, limit: int, cursor: str | None) -> Page[User]:
        """Users whose email contains the text, newest first; raises ValidationFailed on a bad cursor."""
        ...


class CreditRepository(Protocol):
    async def spend(
        self, user_id: UUID, amount: int, reason: Reason, entry_id: UUID, now: datetime, *, task_id: UUID | None = None
    ) -> LedgerEntry:
        """Conditional debit plus its ledger row; raises InsufficientCredits and changes nothing."""
        ...

    async def grant(
        self,
        user_id: UUID,
        amount: int,
        reason: Reason,
        entry_id: UUID,
        now: datetime,
        *,
        task_id: UUID | None = None,
        order_id: UUID | None = None,
    ) -> LedgerEntry:
        """Credit plus its ledger row; a second refund of a task or purchase of an order raises DuplicateRecord."""
        ...

    async def balance(self, user_id: UUID) -> int:
        """The user's current balance (0 for an unknown user)."""
        ...

    async def has_entry(self, reason: Reason, *, task_id: UUID | None = None, order_id: UUID | None = None) -> bool:
        """Whether a ledger row of that reason exists for the task or order."""
        ...

    async def ledger(self, user_id: UUID, limit: int, cursor: str | None) -> Page[LedgerEntry]:
        """Newest first; raises ValidationFailed on a bad cursor."""
        ...


class TaskRepository(Protocol):
    async def add(self, task: Task) -> None:
        """Insert a queued task; raises DuplicateRecord when its idempotency key is taken for the owner."""
        ...

    async def get(self, task_id: UUID, owner_id: UUID | None = None) -> Task | None:
        """The task, or None (also when owner_id is given and is not its owner)."""
        ...

    async def by_idempotency_key(self, owner_id: UUID, key: str) -> Task | None:
        """The owner's task submitted with that key, or None."""
        ...

    async def forget_idempotency_key(self, task_id: UUID) -> None:
        """Release an expired key so that it can be used again."""
        ...

    async def list(self, owner_id: UUID, status: Status | None, limit: int, cursor: str | None) -> Page[Task]:
        """The owner's tasks, newest first; raises ValidationFailed on a bad cursor."""
        ...

    async def claim(self, task_id: UUID, now: datetime, lease_until: datetime) -> Task | None:
        """Conditional move to processing (from queued, or from an expired lease); None when not claimable."""
        ...

    async def finish(self, task: Task, attempt: int) -> bool:
        """Store a completed or failed task only if it is still processing on that attempt."""
        ...

    async def renew(self, task_id: UUID, attempt: int, lease_until: datetime) -> bool:
        """Extend the lease only if the task is still processing on that attempt; False when it is not."""
        ...

    async def stale(self, queued_before: datetime, now: datetime, limit: int) -> list[UUID]:
        """Ids of tasks queued since before queued_before, or processing with an expired lease."""
        ...

    async def touch(self, task_ids: list[UUID], now: datetime) -> None:
        """Mark tasks as just re-enqueued, so that the next sweep waits again."""
        ...

    async def delete(self, task_id: UUID) -> None:
        """Remove the task row (idempotent)."""
        ...

    async def keep_idempotency_key(self, kept: KeptKey) -> None:
        """Remember a deleted task's key and fingerprint, replacing an older record of the same key."""
        ...

    async def kept_idempotency_key(self, owner_id: UUID, key: str) -> KeptKey | None:
        """The record keep_idempotency_key left for this owner's key, if any."""
        ...

    async def expired(self, created_before: datetime, limit: int) -> list[Task]:
        """Completed or failed tasks created before then whose images are still kept, oldest first."""
        ...

    async def mark_images_deleted(self, task_id: UUID, now: datetime) -> None:
        """Record that the task's images are gone (the row stays)."""
        ...

    async def count_by_status(self) -> dict[Status, int]:
        """How many tasks are in each status."""
        ...


class RefreshTokenRepository(Protocol):
    async def add(self, token: RefreshToken) -> None:
        """Store a new refresh token."""
        ...

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        """The stored token with that hash, or None."""
        ...

    async def rotate(self, old_id: UUID, new: RefreshToken, now: datetime) -> bool:
        """Mark old as replaced by new and store new, only if old was unused; False if it was used."""
        ...

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        """Revoke every token of the family."""
        ...

    async def revoke_user(self, user_id: UUID, now: datetime, keep_family: UUID | None = None) -> None:
        """Revoke every token of the user, except those of keep_family."""
        ...


class PlanRepository(Protocol):
    async def add(self, plan: Plan) -> None:
        """Insert a plan; raises DuplicateRecord when an active plan has that name."""
        ...

    async def get(self, plan_id: UUID) -> Plan | None:
        """The plan, active or not, or None."""
        ...

    async def list(self, include_inactive: bool = False) -> list[Plan]:
        """Plans cheapest first (then by name)."""
        ...

    async def disable(self, plan_id: UUID) -> bool:
        """Stop selling the plan; False when there is no such active plan."""
        ...


class OrderRepository(Protocol):
    async def add(self, order: Order) -> None:
        """Insert a created order; raises DuplicateRecord when the gateway order id is taken."""
        ...

    async def get(self, order_id: UUID, user_id: UUID | None = None) -> Order | None:
        """The order, or None (also when user_id is given and is not its buyer)."""
        ...

    async def by_gateway_id(self, gateway: str, gateway_order_id: str) -> Order | None:
        """The order the gateway knows by that id, or None."""
        ...

    async def list(self, user_id: UUID, limit: int, cursor: str | None) -> Page[Order]:
        """The buyer's orders, newest first; raises ValidationFailed on a bad cursor."""
        ...

    async def mark_paid(self, order_id: UUID, now: datetime) -> Order | None:
        """Conditional move created|failed → paid; None when the order is unknown or already paid."""
        ...

    async def mark_failed(self, order_id: UUID, now: datetime) -> Order | None:
        """Conditional move created → failed; None when the order is not created."""
        ...

    async def pending(
        self, gateway: str, created_before: datetime, limit: int, failed_since: datetime | None = None
    ) -> list[Order]:
        """The gateway's orders created before created_before and still `created` (or `failed` but created after
        failed_since: a late payment can still capture on them), oldest first."""
        ...

    async def paid_since(self, gateway: str, paid_after: datetime, limit: int) -> list[Order]:
        """The gateway's orders paid after paid_after, those whose refunds were checked longest ago (never: first)."""
        ...

    async def refunds_checked(self, order_id: UUID, now: datetime) -> None:
        """Note that the order's refunds were just checked with the gateway."""
        ...

    async def lock_paid(self, order_id: UUID, now: datetime) -> Order | None:
        """The paid order, held until the transaction ends (refunds of one order queue here); None unless paid."""
        ...


class PaymentRepository(Protocol):
    async def add(self, payment: Payment) -> None:
        """Insert; a second capture of an order or a second row for one refund id raises DuplicateRecord."""
        ...

    async def for_order(self, order_id: UUID) -> list[Payment]:
        """The order's payments, oldest first."""
        ...

    async def recorded(self, kind: PaymentKind, gateway_payment_id: str) -> bool:
        """Whether a payment of that kind and gateway id is stored."""
        ...


class WebhookEventRepository(Protocol):
    async def add(self, event: WebhookEvent) -> None:
        """Store a first delivery; raises DuplicateRecord when (gateway, event_id) is stored already."""
        ...

    async def settle(self, event_id: UUID, outcome: WebhookOutcome, order_id: UUID | None) -> None:
        """Record what the delivery did."""
        ...

    async def redelivered(self, gateway: str, event_id: str, now: datetime) -> bool:
        """Count one more delivery of a stored event; False when it is not stored."""
        ...

    async def get(self, gateway: str, event_id: str) -> WebhookEvent | None:
        """The stored event, or None."""
        ...
