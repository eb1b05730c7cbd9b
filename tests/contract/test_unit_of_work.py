"""The unit of work: nothing is kept unless commit() is called, and a broken unique rule undoes it all.

Where the in-memory fake differs from the databases, and why that is harmless:
- It runs one unit of work at a time (one lock, as SQLite serialises writers). It never interleaves, so races are
  proven on PostgreSQL, where they do: the concurrent cases of this suite (spends, claims, rotations, purchases,
  sign-ups) run there too, and the fake only has to give the same single winner.
- It has no foreign keys: use cases only write rows that point at a user, plan, order or endpoint they read or
  made in the same unit of work, so no use case can leave a dangling reference in either store.
- Of the CHECK rules it keeps the one a use case relies on (credits never below zero: a refused spend, tested in
  test_credits.py); statuses and kinds are guarded by the entities' transitions before any store sees them.
- Unique rules are all kept (e-mail, ledger per task and per order, token hash, webhook event id), each tested here
  or beside its repository on every store.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta, timezone

import pytest
import sqlalchemy

from adapters.sqlalchemy.engine import create_engine
from domain.credits import Reason
from domain.errors import DuplicateRecord
from tests.contract.builders import UowFactory, a_task, a_user, at, given


async def test_committed_work_is_seen_by_the_next_unit_of_work(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) == user


async def test_uncommitted_work_is_rolled_back(uow_factory: UowFactory) -> None:
    user = a_user()
    async with uow_factory() as uow:
        await uow.users.add(user)

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) is None


async def test_rollback_discards_the_work_so_far(uow_factory: UowFactory) -> None:
    kept, dropped = a_user(), a_user()
    async with uow_factory() as uow:
        await uow.users.add(dropped)
        await uow.rollback()
        await uow.users.add(kept)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(dropped.id) is None
        assert await uow.users.get(kept.id) == kept


async def test_an_error_inside_the_block_rolls_back(uow_factory: UowFactory) -> None:
    user = a_user()
    with pytest.raises(RuntimeError):
        async with uow_factory() as uow:
            await uow.users.add(user)
            raise RuntimeError("boom")

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) is None


async def test_a_duplicate_rolls_back_the_whole_unit_of_work(uow_factory: UowFactory) -> None:
    user = a_user()
    task_id = uuid.uuid4()
    await given(uow_factory, user)
    async with uow_factory() as uow:
        await uow.credits.grant(user.id, 1, Reason.TASK_REFUND, uuid.uuid4(), at(0), task_id=task_id)
        await uow.commit()

    async with uow_factory() as uow:
        await uow.credits.grant(user.id, 5, Reason.ADMIN_GRANT, uuid.uuid4(), at(1))
        with pytest.raises(DuplicateRecord):
            await uow.credits.grant(user.id, 1, Reason.TASK_REFUND, uuid.uuid4(), at(1), task_id=task_id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.credits.balance(user.id) == 1


async def test_times_come_back_as_the_same_aware_instants(uow_factory: UowFactory) -> None:
    india = timezone(timedelta(hours=5, minutes=30))
    user = a_user()
    task = a_task(user.id, created_at=at(0).astimezone(india), updated_at=None)
    await given(uow_factory, user, task)

    async with uow_factory() as uow:
        stored = await uow.tasks.get(task.id)

    assert stored is not None
    assert stored.created_at == at(0)
    assert stored.created_at.tzinfo is not None


async def test_concurrent_units_of_work_that_read_before_they_write_all_succeed(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)

    async def read_then_write() -> None:
        async with uow_factory() as uow:
            before = await uow.credits.balance(user.id)
            await uow.credits.grant(user.id, 1, Reason.ADMIN_GRANT, uuid.uuid4(), at(before))
            await uow.commit()

    await asyncio.gather(*(read_then_write() for _ in range(10)))

    async with uow_factory() as uow:
        assert await uow.credits.balance(user.id) == 10


async def test_database_errors_never_carry_the_values_of_the_statement(empty_database: tuple[str, str | None]) -> None:
    """A traceback in the logs must not hold users' data (e-mails, hashes) from the statement's parameters."""
    engine = create_engine(empty_database[0], schema=empty_database[1])
    try:
        async with engine.connect() as connection:
            try:
                await connection.execute(sqlalchemy.text("SELECT * FROM no_such_table WHERE x = :v"), {"v": "secret-value"})
            except sqlalchemy.exc.DBAPIError as exc:
                assert "secret-value" not in str(exc)
            else:
                raise AssertionError("the statement should have failed")
    finally:
        await engine.dispose()
