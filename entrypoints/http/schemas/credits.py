"""Balance and ledger answers."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from domain.credits import LedgerEntry
from domain.values import Page


class BalanceOut(msgspec.Struct):
    balance: int


class LedgerEntryOut(msgspec.Struct):
    id: UUID
    delta: int
    reason: str
    balance_after: int
    task_id: UUID | None
    order_id: UUID | None
    created_at: datetime
    seq: int  # 1, 2, 3… per user in the order the balance moved; the list is newest first by it

    @classmethod
    def of(cls, entry: LedgerEntry) -> LedgerEntryOut:
        return cls(
            entry.id,
            entry.delta,
            str(entry.reason),
            entry.balance_after,
            entry.task_id,
            entry.order_id,
            entry.created_at,
            entry.seq,
        )


class LedgerPage(msgspec.Struct):
    items: list[LedgerEntryOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[LedgerEntry]) -> LedgerPage:
        return cls([LedgerEntryOut.of(e) for e in page.items], page.next_cursor)
