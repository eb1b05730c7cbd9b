"""GrantCredits on the in-memory fakes."""

from __future__ import annotations

import pytest

from adapters.memory.clock import FixedClock, SequentialIds
from adapters.memory.unit_of_work import MemoryDatabase, MemoryUnitOfWork
from application.use_cases.grant_credits import GrantCredits
from domain.credits import Reason, reconciles
from domain.errors import NotFound, ValidationFailed
from domain.users import User


def _setup(credits: int = 0) -> tuple[GrantCredits, MemoryDatabase, User]:
    database = MemoryDatabase()
    clock, ids = FixedClock(), SequentialIds()
    user = User(id=ids.new(), email="ada@example.com", password_hash="x", credits=credits, created_at=clock.now())
    database.state.users[user.id] = user
    return GrantCredits(lambda: MemoryUnitOfWork(database), clock, ids), database, user


async def test_grant_adds_credits_as_an_admin_grant_row() -> None:
    grant, database, user = _setup()

    entry = await grant("ada@example.com", 25)

    assert (entry.user_id, entry.delta, entry.reason, entry.balance_after) == (user.id, 25, Reason.ADMIN_GRANT, 25)
    assert database.state.users[user.id].credits == 25
    assert database.state.ledger == [entry]
    assert reconciles(25, database.state.ledger)


async def test_grant_finds_the_user_whatever_the_case_of_the_email() -> None:
    grant, database, user = _setup()

    await grant("  ADA@Example.com ", 3)

    assert database.state.users[user.id].credits == 3


async def test_grants_add_up() -> None:
    grant, database, user = _setup()

    await grant("ada@example.com", 2)
    entry = await grant("ada@example.com", 5)

    assert entry.balance_after == 7
    assert [e.delta for e in database.state.ledger] == [2, 5]


async def test_unknown_email_is_not_found_and_changes_nothing() -> None:
    grant, database, _ = _setup()

    with pytest.raises(NotFound, match="nobody@example.com"):
        await grant("nobody@example.com", 5)

    assert database.state.ledger == []


@pytest.mark.parametrize("amount", [0, -3])
async def test_amount_below_one_is_rejected(amount: int) -> None:
    grant, database, user = _setup()

    with pytest.raises(ValidationFailed, match="amount"):
        await grant("ada@example.com", amount)

    assert database.state.users[user.id].credits == 0
    assert database.state.ledger == []
