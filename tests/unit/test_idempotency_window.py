"""A deleted task's key is kept for its 24 hours only: afterwards the key submits a new task."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import IdempotencyKeyReused
from tests.unit.conftest import Bootstrap


async def test_a_deleted_tasks_key_is_refused_within_24_hours_and_free_after(app: Bootstrap) -> None:
    user = await app.user()
    first = await app.submit(user, idempotency_key="k")
    await app.delete_task(user.id, first.id)

    app.clock.advance(timedelta(hours=24).total_seconds() - 1)
    with pytest.raises(IdempotencyKeyReused, match="deleted"):
        await app.submit_task(app.command(user, idempotency_key="k"))
    app.clock.advance(2)
    again = await app.submit_task(app.command(user, idempotency_key="k"))

    assert again.replayed is False and again.task.id != first.id
    app.assert_books_balance(user)


async def test_deleting_a_task_without_a_key_keeps_nothing(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    await app.delete_task(user.id, task.id)

    assert app.database.state.kept_keys == {}
