"""Credits: the ledger is the truth, the balance its running sum, never negative."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID


class Reason(StrEnum):
    SIGNUP_BONUS = "signup_bonus"
    TASK_CHARGE = "task_charge"
    TASK_REFUND = "task_refund"
    PURCHASE = "purchase"
    PURCHASE_REVERSAL = "purchase_reversal"
    ADMIN_GRANT = "admin_grant"
    ADMIN_DEBIT = "admin_debit"


@dataclass(frozen=True)
class LedgerEntry:
    id: UUID
    user_id: UUID
    delta: int
    reason: Reason
    balance_after: int
    created_at: datetime
    task_id: UUID | None = None
    order_id: UUID | None = None
    seq: int = 0  # 1, 2, 3… per user, in the order the balance moved: the ledger read as a true history


def reconciles(balance: int, entries: list[LedgerEntry]) -> bool:
    """The invariant every user keeps at every moment."""
    return balance >= 0 and balance == sum(entry.delta for entry in entries)
