"""SQL credits: every move is a ledger row with the balance it leaves, never below zero."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import unique_rules
from adapters.sqlalchemy.mappers import ledger_row, to_ledger_entry
from adapters.sqlalchemy.tables import credit_ledger, users
from domain.credits import LedgerEntry, Reason
from domain.cursor import decode_seq_cursor, encode_seq_cursor
from domain.errors import InsufficientCredits
from domain.values import Page

# The statements of every request's hot path are built once: an execution then only binds its values, where
# building one anew coerces every value and regenerates the cache key each time.
_BALANCE = select(users.c.credits).where(users.c.id == bindparam("user_id"))
_MOVE_CREDITS = (
    update(users)
    .where(users.c.id == bindparam("user_id"), users.c.credits >= bindparam("at_least"))
    .values(credits=users.c.credits + bindparam("delta"))
    .returning(users.c.credits)
)
# The ledger row takes the user's next number in the insert itself (one round trip, not a read then a write): the
# UPDATE before it holds the user's row until commit, and this later statement reads what was committed before.
_LEDGER_FIELDS = [column for column in credit_ledger.c if column.name != "seq"]
_INSERT_NEXT_LEDGER = (
    insert(credit_ledger)
    .from_select(
        [*(column.name for column in _LEDGER_FIELDS), "seq"],
        select(
            *(bindparam(column.name, type_=column.type) for column in _LEDGER_FIELDS),
            func.coalesce(func.max(credit_ledger.c.seq), 0) + 1,
        ).where(credit_ledger.c.user_id == bindparam("user_id", type_=credit_ledger.c.user_id.type)),
    )
    .returning(credit_ledger.c.seq)
)


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
        row = ledger_row(replace(entry, balance_after=balance))
        del row["seq"]
        async with unique_rules(self.session):
            seq = (await self.session.execute(_INSERT_NEXT_LEDGER, row)).scalar_one()
        return replace(entry, balance_after=balance, seq=seq)

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
