"""In-memory money refunds; the unit of work's lock serialises them as a database's row rules would."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from domain.errors import DuplicateRecord
from domain.money_refunds import MoneyRefund

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState


class MemoryMoneyRefundRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    async def add(self, refund: MoneyRefund) -> None:
        if refund.order_id in self.state.money_refunds:
            self.undo()
            raise DuplicateRecord("the order has a money refund already")
        self.state.money_refunds[refund.order_id] = refund

    async def get(self, order_id: UUID) -> MoneyRefund | None:
        return self.state.money_refunds.get(order_id)

    async def claim(self, order_id: UUID, now: datetime, until: datetime) -> bool:
        refund = self.state.money_refunds.get(order_id)
        if refund is None or refund.sent or (refund.sending_until is not None and refund.sending_until > now):
            return False
        self._put(refund, sending_until=until, updated_at=now)
        return True

    async def sent(self, order_id: UUID, gateway_refund_id: str, now: datetime) -> None:
        self._put(self.state.money_refunds[order_id], gateway_refund_id=gateway_refund_id, sending_until=None,
                  last_error=None, updated_at=now)  # fmt: skip

    async def failed(self, order_id: UUID, error: str, now: datetime) -> None:
        self._put(self.state.money_refunds[order_id], sending_until=None, last_error=error, updated_at=now)

    async def by_gateway_refund(self, gateway_refund_id: str) -> MoneyRefund | None:
        found = (r for r in self.state.money_refunds.values() if r.gateway_refund_id == gateway_refund_id)
        return next(found, None)

    def _put(self, refund: MoneyRefund, **changes: object) -> None:
        self.state.money_refunds[refund.order_id] = dataclasses.replace(refund, **changes)  # type: ignore[arg-type]
