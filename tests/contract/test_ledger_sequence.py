"""The ledger's per-user sequence: strictly increasing in the order the balance moved, even under concurrency.

Ordered by (created_at, id), concurrent rows used to read out of order: balance_after jumped back and forth.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from domain.credits import Reason
from domain.errors import InsufficientCredits
from tests.contract.builders import UowFactory, at
from tests.contract.test_credits import funded_user, whole_ledger

MOVES = 24


async def test_concurrent_moves_read_as_a_true_history_by_sequence(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 5)

    async def move(i: int) -> None:
        # Clocks disagree across processes: later moves may carry earlier times.
        when = at(100) - timedelta(seconds=i)
        async with uow_factory() as uow:
            try:
                if i % 3:
                    await uow.credits.spend(user_id, 1, Reason.TASK_CHARGE, uuid.uuid4(), when, task_id=uuid.uuid4())
                else:
                    await uow.credits.grant(user_id, 2, Reason.ADMIN_GRANT, uuid.uuid4(), when)
                await uow.commit()
            except InsufficientCredits:
                pass

    await asyncio.gather(*(move(i) for i in range(MOVES)))

    history = list(reversed(await whole_ledger(uow_factory, user_id)))  # the API lists newest first
    assert [entry.seq for entry in history] == list(range(1, len(history) + 1))
    for before, after in zip(history, history[1:]):
        assert after.balance_after == before.balance_after + after.delta
    async with uow_factory() as uow:
        assert history[-1].balance_after == await uow.credits.balance(user_id)


async def test_ledger_pages_follow_the_sequence(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 10)
    for i in range(4):
        async with uow_factory() as uow:
            await uow.credits.spend(user_id, 1, Reason.TASK_CHARGE, uuid.uuid4(), at(50 - i), task_id=uuid.uuid4())
            await uow.commit()

    seen, cursor = [], None
    while True:
        async with uow_factory() as uow:
            page = await uow.credits.ledger(user_id, 2, cursor)
        seen += [entry.seq for entry in page.items]
        if (cursor := page.next_cursor) is None:
            break
    assert seen == [5, 4, 3, 2, 1]
