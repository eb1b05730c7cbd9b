"""Leaving on the fakes: deletion clears tasks and images and keeps the books; the export holds everything."""

from __future__ import annotations

import pytest

from application.use_cases.accounts.delete_account import DeleteAccount
from application.use_cases.accounts.export_account import ExportAccount
from domain.errors import InvalidCredentials, InvalidToken, ValidationFailed
from tests.unit.accounts.conftest import AccountsApp
from tests.unit.conftest import PASSWORD


async def test_deleting_clears_tasks_images_and_sessions_and_keeps_a_reconciled_ledger(accounts: AccountsApp) -> None:
    user, other = await accounts.member("ada@example.com"), await accounts.member()
    session = await accounts.login(user)
    mine = [await accounts.submit(user), await accounts.submit(user)]
    theirs = await accounts.submit(other)
    await accounts.drain()
    delete = DeleteAccount(accounts.uow, accounts.hasher, accounts.storage, accounts.clock, accounts.account_cache)

    with pytest.raises(ValidationFailed):
        await delete(user.id, "wrong password")
    await delete(user.id, PASSWORD)

    assert all(accounts.stored(task.id) is None for task in mine)
    assert accounts.stored(theirs.id) is not None
    assert all(str(theirs.id) in key for key in accounts.blob_keys())
    stored = accounts.database.state.users[user.id]
    assert stored.deleted_at is not None and "ada@example.com" != stored.email
    assert len(accounts.ledger(user)) == 3
    accounts.assert_books_balance(user)
    assert accounts.account_cache.changes == [user.id]  # announced once, after the tombstone's commit
    with pytest.raises(InvalidToken):
        await accounts.ensure_active(user.id)
    with pytest.raises(InvalidToken):
        await accounts.refresh(session.refresh_token)
    with pytest.raises(InvalidCredentials):
        await accounts.login(user)
    with pytest.raises(InvalidToken):
        await delete(user.id, PASSWORD)


async def test_the_export_holds_every_task_ledger_row_and_image(accounts: AccountsApp) -> None:
    user = await accounts.member()
    tasks = [await accounts.submit(user) for _ in range(3)]
    await accounts.drain()
    export_account = ExportAccount(accounts.uow, accounts.storage)

    export = await export_account(user.id)
    images = [name async for name, _ in export_account.images(export.tasks)]

    assert {t.id for t in export.tasks} == {t.id for t in tasks}
    assert len(export.ledger) == 4 and export.orders == []
    assert len(images) == 6
