"""SQL money refunds: the order's id is the key, and the sender's lease is taken by one conditional update."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import unique_rules
from adapters.sqlalchemy.tables import money_refunds
from domain.money_refunds import MoneyRefund


class SqlMoneyRefundRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, refund: MoneyRefund) -> None:
        async with unique_rules(self.session):
            await self.session.execute(insert(money_refunds).values(dataclasses.asdict(refund)))

    async def get(self, order_id: UUID) -> MoneyRefund | None:
        return await self._one(money_refunds.c.order_id == order_id)

    async def claim(self, order_id: UUID, now: datetime, until: datetime) -> bool:
        statement = (
            update(money_refunds)
            .where(
                money_refunds.c.order_id == order_id,
                money_refunds.c.gateway_refund_id.is_(None),
                or_(money_refunds.c.sending_until.is_(None), money_refunds.c.sending_until <= now),
            )
            .values(sending_until=until, updated_at=now)
            .returning(money_refunds.c.order_id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def sent(self, order_id: UUID, gateway_refund_id: str, now: datetime) -> None:
        await self._update(order_id, gateway_refund_id=gateway_refund_id, sending_until=None, last_error=None,
                           updated_at=now)  # fmt: skip

    async def failed(self, order_id: UUID, error: str, now: datetime) -> None:
        await self._update(order_id, sending_until=None, last_error=error, updated_at=now)

    async def by_gateway_refund(self, gateway_refund_id: str) -> MoneyRefund | None:
        return await self._one(money_refunds.c.gateway_refund_id == gateway_refund_id)

    async def _one(self, condition) -> MoneyRefund | None:  # type: ignore[no-untyped-def]
        row = (await self.session.execute(select(money_refunds).where(condition))).mappings().first()
        return MoneyRefund(**row) if row else None

    async def _update(self, order_id: UUID, **values: object) -> None:
        async with unique_rules(self.session):
            await self.session.execute(update(money_refunds).where(money_refunds.c.order_id == order_id).values(**values))
