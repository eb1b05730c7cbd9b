"""SQL repositories. Every race is settled by one conditional statement or a unique index, never in Python."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import (
    Executable,
    RowMapping,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.mappers import (
    ledger_row,
    row_of,
    task_row,
    to_ledger_entry,
    to_refresh_token,
    to_task,
    to_user,
)
from adapters.sqlalchemy.tables import UtcDateTime, credit_ledger, kept_idempotency_keys, refresh_tokens, tasks, users
from domain.credits import LedgerEntry, Reason
from domain.cursor import decode_cursor, decode_seq_cursor, encode_cursor, encode_seq_cursor
from domain.errors import DomainError, DuplicateRecord, EmailTaken, InsufficientCredits
from domain.sessions import RefreshToken
from domain.tasks import KeptKey, Status, Task
from domain.users import User
from domain.values import Page

T = TypeVar("T")

# PostgreSQL's SQLSTATE and SQLite's extended result codes for a broken unique rule.
_UNIQUE_VIOLATIONS = {"23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}

QUEUED = Status.QUEUED.value
PROCESSING = Status.PROCESSING.value

# The statements of every request's hot path are built once: an execution then only binds its values, where
# building one anew coerces every value and regenerates the cache key each time.
_USER_BY_ID = select(users).where(users.c.id == bindparam("user_id"))
_BALANCE = select(users.c.credits).where(users.c.id == bindparam("user_id"))
_MOVE_CREDITS = (
    update(users)
    .where(users.c.id == bindparam("user_id"), users.c.credits >= bindparam("at_least"))
    .values(credits=users.c.credits + bindparam("delta"))
    .returning(users.c.credits)
)
_LAST_SEQ = select(func.coalesce(func.max(credit_ledger.c.seq), 0)).where(credit_ledger.c.user_id == bindparam("user_id"))
_INSERT_LEDGER = insert(credit_ledger)
_INSERT_TASK = insert(tasks)
# A worker's claim, lease renewal and finish, once per task each: built once too.
_NOW = bindparam("now", type_=UtcDateTime())
_UNTIL = bindparam("until", type_=UtcDateTime())
_HELD = and_(tasks.c.id == bindparam("task_id"), tasks.c.status == PROCESSING, tasks.c.attempts == bindparam("attempt"))
_CLAIM_TASK = (
    update(tasks)
    .where(
        tasks.c.id == bindparam("task_id"),
        or_(tasks.c.status == QUEUED, and_(tasks.c.status == PROCESSING, tasks.c.lease_until < _NOW)),
    )
    .values(
        status=PROCESSING,
        attempts=tasks.c.attempts + 1,
        lease_until=_UNTIL,
        started_at=func.coalesce(tasks.c.started_at, _NOW),
        updated_at=_NOW,
    )
    .returning(*tasks.c)
)
_RENEW_TASK = update(tasks).where(_HELD).values(lease_until=_UNTIL).returning(tasks.c.id)
_FINISH_TASK = update(tasks).where(_HELD).returning(tasks.c.id)
# What finishing an attempt changes (Task.complete, fail, give_up); nothing else of the row is written back.
_OUTCOME = ("status", "result", "result_key", "error", "attempts", "lease_until", "finished_at", "updated_at")


def _unique_rule_broken(exc: IntegrityError) -> DomainError | None:
    """The domain error for a unique rule the store enforced; None for any other integrity error (a bug)."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "sqlite_errorname", None)
    if code not in _UNIQUE_VIOLATIONS:
        return None
    message = str(exc.orig)
    # PostgreSQL names the constraint, SQLite the columns.
    if "uq_users_email" in message or "users.email" in message:
        return EmailTaken()
    return DuplicateRecord(message.splitlines()[0])


@asynccontextmanager
async def unique_rules(session: AsyncConnection) -> AsyncIterator[None]:
    """A broken unique rule rolls back the whole unit of work and raises its domain error."""
    try:
        yield
    except IntegrityError as exc:
        # PostgreSQL has aborted the transaction anyway; SQLite is made to agree.
        await session.rollback()
        error = _unique_rule_broken(exc)
        if error is None:
            raise
        raise error from exc


async def _write(session: AsyncConnection, statement: Executable, values: dict[str, Any] | None = None) -> None:
    async with unique_rules(session):
        await session.execute(statement, values)


async def _one(session: AsyncConnection, statement: Executable, values: dict[str, Any] | None = None) -> RowMapping | None:
    return (await session.execute(statement, values)).mappings().one_or_none()


async def _page(
    session: AsyncConnection,
    table: Table,
    query: Select[Any],
    limit: int,
    cursor: str | None,
    to_entity: Callable[[RowMapping], T],
) -> Page[T]:
    """Keyset pagination, newest first by (created_at, id)."""
    if cursor is not None:
        query = query.where(tuple_(table.c.created_at, table.c.id) < decode_cursor(cursor))
    query = query.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit + 1)
    rows = (await session.execute(query)).mappings().all()
    items, rest = rows[:limit], rows[limit:]
    next_cursor = encode_cursor(items[-1]["created_at"], items[-1]["id"]) if items and rest else None
    return Page([to_entity(row) for row in items], next_cursor)


# Credits move only through the ledger (SqlCreditRepository), never through a user update.
_USER_MUTABLE = ("email", "password_hash", "email_verified", "is_admin", "disabled_at", "deleted_at")


class SqlUserRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, user: User) -> None:
        await _write(self.session, insert(users).values(row_of(user)))

    async def get(self, user_id: UUID) -> User | None:
        row = await _one(self.session, _USER_BY_ID, {"user_id": user_id})
        return to_user(row) if row else None

    async def get_by_email(self, email: str) -> User | None:
        row = await _one(self.session, select(users).where(users.c.email == email))
        return to_user(row) if row else None

    async def update(self, user: User) -> None:
        changes = {name: getattr(user, name) for name in _USER_MUTABLE}
        await _write(self.session, update(users).where(users.c.id == user.id).values(changes))

    async def replace_password(self, user_id: UUID, old_hash: str, new_hash: str) -> bool:
        statement = (
            update(users)
            .where(users.c.id == user_id, users.c.password_hash == old_hash)
            .values(password_hash=new_hash)
            .returning(users.c.id)
        )
        return (await self.session.execute(statement)).scalar_one_or_none() is not None

    async def search(self, email: str, limit: int, cursor: str | None) -> Page[User]:
        query = select(users).where(users.c.email.contains(email, autoescape=True))
        return await _page(self.session, users, query, limit, cursor, to_user)


class SqlCreditRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def spend(
        self, user_id: UUID, amount: int, reason: Reason, entry_id: UUID, now: datetime, *, task_id: UUID | None = None
    ) -> LedgerEntry:
        return await self._move(LedgerEntry(entry_id, user_id, -amount, reason, 0, now, task_id))

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
        return await self._move(LedgerEntry(entry_id, user_id, amount, reason, 0, now, task_id, order_id))

    async def _move(self, entry: LedgerEntry) -> LedgerEntry:
        """Apply entry.delta unless the balance would go below zero; record the entry with the balance it leaves."""
        values = {"user_id": entry.user_id, "at_least": -entry.delta, "delta": entry.delta}
        balance = (await self.session.execute(_MOVE_CREDITS, values)).scalar_one_or_none()
        if balance is None:
            raise InsufficientCredits()
        # The user's row stays locked until commit, so the next number is this transaction's alone.
        last = await self.session.scalar(_LAST_SEQ, {"user_id": entry.user_id})
        recorded = replace(entry, balance_after=balance, seq=int(last or 0) + 1)
        await _write(self.session, _INSERT_LEDGER, ledger_row(recorded))
        return recorded

    async def balance(self, user_id: UUID) -> int:
        credits = await self.session.scalar(_BALANCE, {"user_id": user_id})
        return credits or 0

    async def has_entry(self, reason: Reason, *, task_id: UUID | None = None, order_id: UUID | None = None) -> bool:
        query = select(credit_ledger.c.id).where(credit_ledger.c.reason == reason.value).limit(1)
        if task_id is not None:
            query = query.where(credit_ledger.c.task_id == task_id)
        if order_id is not None:
            query = query.where(credit_ledger.c.order_id == order_id)
        return await self.session.scalar(query) is not None

    async def ledger(self, user_id: UUID, limit: int, cursor: str | None) -> Page[LedgerEntry]:
        """Newest first by the user's sequence."""
        query = select(credit_ledger).where(credit_ledger.c.user_id == user_id)
        if cursor is not None:
            query = query.where(credit_ledger.c.seq < decode_seq_cursor(cursor))
        rows = (await self.session.execute(query.order_by(credit_ledger.c.seq.desc()).limit(limit + 1))).mappings().all()
        items = [to_ledger_entry(row) for row in rows[:limit]]
        return Page(items, encode_seq_cursor(items[-1].seq) if items and len(rows) > limit else None)


class SqlTaskRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, task: Task) -> None:
        await _write(self.session, _INSERT_TASK, task_row(task))

    async def get(self, task_id: UUID, owner_id: UUID | None = None) -> Task | None:
        query = select(tasks).where(tasks.c.id == task_id)
        if owner_id is not None:
            query = query.where(tasks.c.owner_id == owner_id)
        row = await _one(self.session, query)
        return to_task(row) if row else None

    async def by_idempotency_key(self, owner_id: UUID, key: str) -> Task | None:
        query = select(tasks).where(tasks.c.owner_id == owner_id, tasks.c.idempotency_key == key)
        row = await _one(self.session, query)
        return to_task(row) if row else None

    async def forget_idempotency_key(self, task_id: UUID) -> None:
        await self.session.execute(update(tasks).where(tasks.c.id == task_id).values(idempotency_key=None))

    async def list(self, owner_id: UUID, status: Status | None, limit: int, cursor: str | None) -> Page[Task]:
        query = select(tasks).where(tasks.c.owner_id == owner_id)
        if status is not None:
            query = query.where(tasks.c.status == status.value)
        return await _page(self.session, tasks, query, limit, cursor, to_task)

    async def claim(self, task_id: UUID, now: datetime, lease_until: datetime) -> Task | None:
        row = await _one(self.session, _CLAIM_TASK, {"task_id": task_id, "now": now, "until": lease_until})
        return to_task(row) if row else None

    async def finish(self, task: Task, attempt: int) -> bool:
        outcome = {name: value for name, value in task_row(task).items() if name in _OUTCOME}
        # No .values(): the SET clause is the parameters' column names, and the statement is compiled once.
        found = await self.session.execute(_FINISH_TASK, {"task_id": task.id, "attempt": attempt, **outcome})
        return found.scalar_one_or_none() is not None

    async def renew(self, task_id: UUID, attempt: int, lease_until: datetime) -> bool:
        values = {"task_id": task_id, "attempt": attempt, "until": lease_until}
        return (await self.session.execute(_RENEW_TASK, values)).scalar_one_or_none() is not None

    async def stale(self, queued_before: datetime, now: datetime, limit: int) -> list[UUID]:
        last_touched = func.coalesce(tasks.c.updated_at, tasks.c.created_at, type_=UtcDateTime())
        queued_too_long = and_(tasks.c.status == QUEUED, last_touched < queued_before)
        lease_expired = and_(tasks.c.status == PROCESSING, tasks.c.lease_until < now)
        query = (
            select(tasks.c.id)
            .where(or_(queued_too_long, lease_expired))
            .order_by(tasks.c.created_at, tasks.c.id)
            .limit(limit)
        )
        return list((await self.session.scalars(query)).all())

    async def touch(self, task_ids: list[UUID], now: datetime) -> None:
        await self.session.execute(
            update(tasks).where(tasks.c.id.in_(task_ids), tasks.c.status == QUEUED).values(updated_at=now)
        )

    async def delete(self, task_id: UUID) -> None:
        await self.session.execute(delete(tasks).where(tasks.c.id == task_id))

    async def keep_idempotency_key(self, kept: KeptKey) -> None:
        table = kept_idempotency_keys
        await self.session.execute(delete(table).where(table.c.owner_id == kept.owner_id, table.c.key == kept.key))
        await _write(self.session, insert(table).values(row_of(kept)))

    async def kept_idempotency_key(self, owner_id: UUID, key: str) -> KeptKey | None:
        table = kept_idempotency_keys
        row = await _one(self.session, select(table).where(table.c.owner_id == owner_id, table.c.key == key))
        return KeptKey(**row) if row else None

    async def expired(self, created_before: datetime, limit: int) -> list[Task]:
        query = (
            select(tasks)
            .where(
                tasks.c.status.in_([Status.COMPLETED.value, Status.FAILED.value]),
                tasks.c.created_at < created_before,
                tasks.c.images_deleted_at.is_(None),
            )
            .order_by(tasks.c.created_at, tasks.c.id)
            .limit(limit)
        )
        return [to_task(row) for row in (await self.session.execute(query)).mappings().all()]

    async def mark_images_deleted(self, task_id: UUID, now: datetime) -> None:
        await self.session.execute(update(tasks).where(tasks.c.id == task_id).values(images_deleted_at=now))

    async def count_by_status(self) -> dict[Status, int]:
        rows = await self.session.execute(select(tasks.c.status, func.count()).group_by(tasks.c.status))
        counts = {Status(status): count for status, count in rows}
        return {status: counts.get(status, 0) for status in Status}


class SqlRefreshTokenRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, token: RefreshToken) -> None:
        await _write(self.session, insert(refresh_tokens).values(row_of(token)))

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        row = await _one(self.session, select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash))
        return to_refresh_token(row) if row else None

    async def rotate(self, old_id: UUID, new: RefreshToken, now: datetime) -> bool:
        unused = and_(refresh_tokens.c.replaced_by.is_(None), refresh_tokens.c.revoked_at.is_(None))
        statement = (
            update(refresh_tokens)
            .where(refresh_tokens.c.id == old_id, unused)
            .values(replaced_by=new.id)
            .returning(refresh_tokens.c.id)
        )
        if (await self.session.execute(statement)).scalar_one_or_none() is None:
            return False
        await self.add(new)
        return True

    async def revoke_family(self, family_id: UUID, now: datetime) -> None:
        await self.session.execute(
            update(refresh_tokens)
            .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    async def revoke_user(self, user_id: UUID, now: datetime, keep_family: UUID | None = None) -> None:
        statement = update(refresh_tokens).where(
            refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None)
        )
        if keep_family is not None:
            statement = statement.where(refresh_tokens.c.family_id != keep_family)
        await self.session.execute(statement.values(revoked_at=now))
