"""In-memory repositories over a MemoryState; the unit of work serialises and rolls back."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from adapters.memory.state import newest_first_page
from domain.credits import LedgerEntry, Reason
from domain.cursor import decode_cursor, decode_seq_cursor, encode_cursor, encode_seq_cursor
from domain.errors import DuplicateRecord, EmailTaken, InsufficientCredits, InvalidTransition
from domain.sessions import RefreshToken
from domain.tasks import KeptKey, Status, Task
from domain.users import User
from domain.values import Page

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState

# A refund per task and a purchase (or reversal) per order happen once: the store's unique rules.
_ONCE_PER_TASK = {Reason.TASK_CHARGE, Reason.TASK_REFUND}
_ONCE_PER_ORDER = {Reason.PURCHASE}


class MemoryUserRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, user: User) -> None:
        if any(existing.email == user.email for existing in self.state.users.values()):
            self.undo()
            raise EmailTaken()
        self.state.users[user.id] = dataclasses.replace(user)

    async def get(self, user_id: UUID) -> User | None:
        user = self.state.users.get(user_id)
        return dataclasses.replace(user) if user else None

    async def get_by_email(self, email: str) -> User | None:
        for user in self.state.users.values():
            if user.email == email:
                return dataclasses.replace(user)
        return None

    async def update(self, user: User) -> None:
        stored = self.state.users.get(user.id)
        if stored is None:
            return
        if any(other.email == user.email and other.id != user.id for other in self.state.users.values()):
            self.undo()
            raise EmailTaken()
        # Credits move only through the ledger, never through a user update.
        self.state.users[user.id] = dataclasses.replace(user, credits=stored.credits)

    async def replace_password(self, user_id: UUID, old_hash: str, new_hash: str) -> bool:
        stored = self.state.users.get(user_id)
        if stored is None or stored.password_hash != old_hash:
            return False
        stored.password_hash = new_hash
        return True

    async def search(self, email: str, limit: int, cursor: str | None) -> Page[User]:
        found = [dataclasses.replace(u) for u in self.state.users.values() if email in u.email]
        return newest_first_page(found, limit, cursor)


class MemoryCreditRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def spend(
        self, user_id: UUID, amount: int, reason: Reason, entry_id: UUID, now: datetime, *, task_id: UUID | None = None
    ) -> LedgerEntry:
        user = self.state.users.get(user_id)
        if user is None or user.credits < amount:
            raise InsufficientCredits()
        return self._record(user, -amount, reason, entry_id, now, task_id, None)

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
        user = self.state.users.get(user_id)
        if user is None or user.credits + amount < 0:
            raise InsufficientCredits()
        return self._record(user, amount, reason, entry_id, now, task_id, order_id)

    def _record(
        self,
        user: User,
        delta: int,
        reason: Reason,
        entry_id: UUID,
        now: datetime,
        task_id: UUID | None,
        order_id: UUID | None,
    ) -> LedgerEntry:
        if (
            (reason in _ONCE_PER_TASK and task_id and self._exists(reason, task_id=task_id))
            or (reason in _ONCE_PER_ORDER and order_id and self._exists(reason, order_id=order_id))
            or (reason == Reason.SIGNUP_BONUS and any(e.reason == reason and e.user_id == user.id for e in self.state.ledger))
        ):
            self.undo()
            raise DuplicateRecord(f"{reason} already recorded")
        user.credits += delta
        seq = 1 + max((e.seq for e in self.state.ledger if e.user_id == user.id), default=0)
        entry = LedgerEntry(entry_id, user.id, delta, reason, user.credits, now, task_id, order_id, seq)
        self.state.ledger.append(entry)
        return entry

    def _exists(self, reason: Reason, *, task_id: UUID | None = None, order_id: UUID | None = None) -> bool:
        return any(
            e.reason == reason and (task_id is None or e.task_id == task_id) and (order_id is None or e.order_id == order_id)
            for e in self.state.ledger
        )

    async def balance(self, user_id: UUID) -> int:
        user = self.state.users.get(user_id)
        return user.credits if user else 0

    async def has_entry(self, reason: Reason, *, task_id: UUID | None = None, order_id: UUID | None = None) -> bool:
        return self._exists(reason, task_id=task_id, order_id=order_id)

    async def ledger(self, user_id: UUID, limit: int, cursor: str | None) -> Page[LedgerEntry]:
        mine = sorted((e for e in self.state.ledger if e.user_id == user_id), key=lambda e: e.seq, reverse=True)
        if cursor is not None:
            position = decode_seq_cursor(cursor)
            mine = [e for e in mine if e.seq < position]
        chosen = mine[:limit]
        return Page(chosen, encode_seq_cursor(chosen[-1].seq) if len(mine) > limit and chosen else None)


class MemoryTaskRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, task: Task) -> None:
        if task.idempotency_key and await self.by_idempotency_key(task.owner_id, task.idempotency_key):
            self.undo()
            raise DuplicateRecord("idempotency key already used")
        self.state.tasks[task.id] = dataclasses.replace(task)

    async def get(self, task_id: UUID, owner_id: UUID | None = None) -> Task | None:
        task = self.state.tasks.get(task_id)
        if task is None or (owner_id is not None and task.owner_id != owner_id):
            return None
        return dataclasses.replace(task)

    async def by_idempotency_key(self, owner_id: UUID, key: str) -> Task | None:
        for task in self.state.tasks.values():
            if task.owner_id == owner_id and task.idempotency_key == key:
                return dataclasses.replace(task)
        return None

    async def forget_idempotency_key(self, task_id: UUID) -> None:
        if task_id in self.state.tasks:
            self.state.tasks[task_id].idempotency_key = None

    async def list(self, owner_id: UUID, status: Status | None, limit: int, cursor: str | None) -> Page[Task]:
        mine = [
            dataclasses.replace(t)
            for t in self.state.tasks.values()
            if t.owner_id == owner_id and (status is None or t.status == status)
        ]
        return newest_first_page(mine, limit, cursor)

    async def claim(self, task_id: UUID, now: datetime, lease_until: datetime) -> Task | None:
        task = self.state.tasks.get(task_id)
        if task is None:
            return None
        try:
            task.claim(now, lease_until)
        except InvalidTransition:
            return None
        return dataclasses.replace(task)

    async def finish(self, task: Task, attempt: int) -> bool:
        stored = self.state.tasks.get(task.id)
        if stored is None or stored.status != Status.PROCESSING or stored.attempts != attempt:
            return False
        self.state.tasks[task.id] = dataclasses.replace(task)
        return True

    async def renew(self, task_id: UUID, attempt: int, lease_until: datetime) -> bool:
        stored = self.state.tasks.get(task_id)
        if stored is None or stored.status != Status.PROCESSING or stored.attempts != attempt:
            return False
        stored.lease_until = lease_until
        return True

    async def stale(self, queued_before: datetime, now: datetime, limit: int) -> list[UUID]:
        def is_stale(t: Task) -> bool:
            if t.status == Status.QUEUED:
                return (t.updated_at or t.created_at) < queued_before
            return t.status == Status.PROCESSING and t.lease_until is not None and t.lease_until < now

        found = sorted((t for t in self.state.tasks.values() if is_stale(t)), key=lambda t: t.created_at)
        return [t.id for t in found[:limit]]

    async def touch(self, task_ids: list[UUID], now: datetime) -> None:
        for task_id in task_ids:
            task = self.state.tasks.get(task_id)
            if task is not None and task.status == Status.QUEUED:
                task.updated_at = now

    async def delete(self, task_id: UUID) -> None:
        self.state.tasks.pop(task_id, None)
        # As ON DELETE CASCADE does in SQL: a task's share links go with it.
        for link_id in [link.id for link in self.state.share_links.values() if link.task_id == task_id]:
            del self.state.share_links[link_id]

    async def keep_idempotency_key(self, kept: KeptKey) -> None:
        self.state.kept_keys[(kept.owner_id, kept.key)] = kept

    async def kept_idempotency_key(self, owner_id: UUID, key: str) -> KeptKey | None:
        return self.state.kept_keys.get((owner_id, key))

    async def expired(self, created_before: datetime, limit: int) -> list[Task]:
        found = [
            dataclasses.replace(t)
            for t in self.state.tasks.values()
            if t.status in (Status.COMPLETED, Status.FAILED) and t.created_at < created_before and t.images_deleted_at is None
        ]
        return sorted(found, key=lambda t: (t.created_at, t.id))[:limit]

    async def mark_images_deleted(self, task_id: UUID, now: datetime) -> None:
        if task_id in self.state.tasks:
            self.state.tasks[task_id].images_deleted_at = now

    async def count_by_status(self) -> dict[Status, int]:
        counts = Counter(t.status for t in self.state.tasks.values())
        return {status: counts.get(status, 0) for status in Status}


class MemoryRefreshTokenRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, token: RefreshToken) -> None:
        if any(stored.token_hash == token.token_hash for stored in self.state.refresh_tokens.values()):
            self.undo()  # the hash is unique in the database too
            raise DuplicateRecord("a refresh token with this hash exists")
        self.state.refresh_tokens[token.id] = dataclasses.replace(token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        for token in self.state.refresh_tokens.values():
            if token.token_hash == token_hash:
                return dataclasses.replace(token)
        return None

    async def rotate(self, old_id: UUID, new: RefreshToken, now: datetime) -> bool:
        old = self.state.refresh_tokens.get(old_id)
        if old is None or old.replaced_by is not None or old.revoked_at is not None:
            return False
        old.replaced_by = new.id
        await self.add(new)
        return True

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        for token in self.state.refresh_tokens.values():
            if token.family_id == family_id and token.revoked_at is None:
                token.revoked_at = now

    async def revoke_user(self, user_id: UUID, now: datetime, keep_family: UUID | None = None) -> None:
        for token in self.state.refresh_tokens.values():
            if token.user_id == user_id and token.revoked_at is None and token.family_id != keep_family:
                token.revoked_at = now
