"""UserEmails on the fakes: the addresses an audit page names, read at once, unknown ids left out, the count bounded."""

from __future__ import annotations

from uuid import uuid4

import pytest

from application.use_cases.admin.users import UserEmails
from domain.errors import ValidationFailed
from tests.unit.accounts.conftest import AccountsApp


async def test_each_known_user_is_named_by_address_and_an_unknown_id_is_left_out(accounts: AccountsApp) -> None:
    first, second = await accounts.member("first@example.com"), await accounts.member("second@example.com")
    unknown = uuid4()

    emails = await UserEmails(accounts.uow)({first.id, second.id, unknown})

    assert emails == {first.id: "first@example.com", second.id: "second@example.com"}


async def test_more_ids_than_a_page_can_name_are_refused(accounts: AccountsApp) -> None:
    with pytest.raises(ValidationFailed):
        await UserEmails(accounts.uow)({uuid4() for _ in range(UserEmails.MAX_IDS + 1)})
