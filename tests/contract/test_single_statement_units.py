"""Single-statement units of work (a worker's claim and lease renewals): the same result on every store, and on
PostgreSQL no transaction around the statement (it commits by itself: no BEGIN and COMMIT round trips)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.sqlalchemy.engine import create_engine
from adapters.sqlalchemy.migrate import upgrade
from adapters.sqlalchemy.unit_of_work import SqlUnitOfWork, statement_engine
from domain.tasks import Status
from tests.contract.builders import UowFactory, a_task, a_user, at, given
from tests.contract.databases import database


async def test_a_claim_in_a_single_statement_unit_of_work_is_kept_once_committed(uow_factory: UowFactory) -> None:
    user = a_user()
    task = a_task(user.id)
    await given(uow_factory, user, task)

    async with uow_factory().single_statement() as uow:
        claimed = await uow.tasks.claim(task.id, at(1), at(61))
        await uow.commit()

    assert claimed is not None and claimed.attempts == 1
    async with uow_factory() as uow:
        stored = await uow.tasks.get(task.id)
    assert stored is not None and stored.status == Status.PROCESSING and stored.lease_until == at(61)


@pytest.fixture
async def postgres_units(tmp_path: Path) -> AsyncIterator[UowFactory]:
    """Units of work on PostgreSQL as the container makes them: with single-statement sessions."""
    async with database("postgres", tmp_path) as (url, schema):
        await upgrade(url, schema)
        engine = create_engine(url, schema=schema)
        yield lambda: SqlUnitOfWork(engine, statement_engine(engine))
        await engine.dispose()


@pytest.mark.postgres
async def test_on_postgresql_the_statement_commits_by_itself(postgres_units: UowFactory) -> None:
    user = a_user()
    task = a_task(user.id)
    await given(postgres_units, user, task)

    async with postgres_units().single_statement() as uow:
        await uow.tasks.claim(task.id, at(1), at(61))
        async with postgres_units() as other:  # before any commit(): there is no transaction to wait for
            seen = await other.tasks.get(task.id)

    assert seen is not None and seen.status == Status.PROCESSING


@pytest.mark.postgres
async def test_an_ordinary_unit_of_work_beside_them_still_rolls_back(postgres_units: UowFactory) -> None:
    user = a_user()
    async with postgres_units().single_statement() as uow:  # its connection goes back to the pool first
        await uow.users.get(user.id)
    async with postgres_units() as uow:
        await uow.users.add(user)

    async with postgres_units() as uow:
        assert await uow.users.get(user.id) is None
