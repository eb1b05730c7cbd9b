"""What a user reads of their account: who they are, their balance, and the ledger behind it."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.credits import Reason
from domain.errors import InvalidToken, ValidationFailed
from tests.unit.conftest import SIGNUP_CREDITS, Bootstrap, noisy_jpeg


async def test_the_ledger_lists_every_movement_newest_first_with_running_balances(app: Bootstrap) -> None:
    user = await app.user()
    broken = noisy_jpeg()
    app.clock.advance(1)
    await app.submit(user)
    app.clock.advance(1)
    await app.submit(user, image=broken[: len(broken) // 2])
    app.clock.advance(1)
    await app.drain()

    page = await app.list_ledger(user.id, 100, None)

    assert [(e.reason, e.delta, e.balance_after) for e in page.items] == [
        (Reason.TASK_REFUND, 1, SIGNUP_CREDITS - 1),
        (Reason.TASK_CHARGE, -1, SIGNUP_CREDITS - 2),
        (Reason.TASK_CHARGE, -1, SIGNUP_CREDITS - 1),
        (Reason.SIGNUP_BONUS, SIGNUP_CREDITS, SIGNUP_CREDITS),
    ]
    assert page.next_cursor is None
    assert await app.get_balance(user.id) == page.items[0].balance_after
    app.assert_books_balance(user)


async def test_the_ledger_pages_with_a_cursor(app: Bootstrap) -> None:
    user = await app.user()
    for n in range(3):
        app.clock.advance(1)
        await app.submit(user, title=f"photo {n}")

    first = await app.list_ledger(user.id, 3, None)
    rest = await app.list_ledger(user.id, 3, first.next_cursor)

    assert [e.reason for e in first.items] == [Reason.TASK_CHARGE] * 3
    assert [e.reason for e in rest.items] == [Reason.SIGNUP_BONUS]
    assert rest.next_cursor is None


async def test_the_ledger_shows_only_the_users_own_rows(app: Bootstrap) -> None:
    alice, bob = await app.user(), await app.user()
    await app.submit(bob)
    page = await app.list_ledger(alice.id, 100, None)
    assert {e.user_id for e in page.items} == {alice.id}


async def test_a_bad_ledger_cursor_is_refused(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed):
        await app.list_ledger(user.id, 10, "%%%")


async def test_a_user_who_no_longer_exists_is_unauthenticated(app: Bootstrap) -> None:
    with pytest.raises(InvalidToken):
        await app.get_me(UUID(int=98765))
    assert await app.get_balance(UUID(int=98765)) == 0
