"""The money refunds operators asked for: one row per order, claimed by one sender at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.money_refunds import MoneyRefund


class MoneyRefundRepository(Protocol):
    async def add(self, refund: MoneyRefund) -> None:
        """Insert; a second row for the order raises DuplicateRecord (at commit on some stores)."""
        ...

    async def get(self, order_id: UUID) -> MoneyRefund | None:
        """The order's money refund, or None."""
        ...

    async def claim(self, order_id: UUID, now: datetime, until: datetime) -> bool:
        """Take the lease to send it: only while unsent and no other sender's lease runs; one statement."""
        ...

    async def sent(self, order_id: UUID, gateway_refund_id: str, now: datetime) -> None:
        """The gateway accepted it: done, the lease let go."""
        ...

    async def failed(self, order_id: UUID, error: str, now: datetime) -> None:
        """The gateway refused or did not answer: the lease let go, the reason kept for the operator."""
        ...

    async def by_gateway_refund(self, gateway_refund_id: str) -> MoneyRefund | None:
        """The money refund the gateway knows by that refund id, if one of ours."""
        ...
