"""Operators on the fakes: promotion, disabling, credits with a reason, and an audit entry for each."""

from __future__ import annotations

from uuid import UUID

import pytest

from application.use_cases.admin.audit import ListAudit
from application.use_cases.admin.credits import AdjustCredits
from application.use_cases.admin.require_admin import RequireAdmin
from application.use_cases.admin.users import FindUsers, PromoteUser, SetAccountDisabled
from application.use_cases.grant_credits import GrantCredits
from domain.audit import CLI_ACTOR, AuditAction
from domain.credits import Reason
from domain.errors import AccountDisabled, NotFound, UserNotFound, ValidationFailed
from tests.unit.accounts.conftest import AccountsApp


class Operators:
    def __init__(self, app: AccountsApp) -> None:
        self.promote = PromoteUser(app.uow, app.clock, app.ids)
        self.require_admin = RequireAdmin(app.uow)
        self.set_disabled = SetAccountDisabled(app.uow, app.clock, app.ids, app.account_cache)
        self.adjust = AdjustCredits(app.uow, app.clock, app.ids)
        self.find = FindUsers(app.uow)
        self.audit = ListAudit(app.uow)
        self.grant = GrantCredits(app.uow, app.clock, app.ids)


@pytest.fixture
def ops(accounts: AccountsApp) -> Operators:
    return Operators(accounts)


async def test_only_a_promoted_user_passes_the_admin_check(accounts: AccountsApp, ops: Operators) -> None:
    admin, user = await accounts.member("root@example.com"), await accounts.member()

    with pytest.raises(NotFound):
        await ops.require_admin(admin.id)
    await ops.promote("Root@Example.com", "first operator")

    await ops.require_admin(admin.id)
    with pytest.raises(NotFound):
        await ops.require_admin(user.id)
    [entry] = (await ops.audit(10, None)).items
    assert (entry.actor, entry.action, entry.subject, entry.reason) == (CLI_ACTOR, AuditAction.PROMOTE, str(admin.id), "first operator")


async def test_promoting_an_unknown_address_fails(ops: Operators) -> None:
    with pytest.raises(UserNotFound):
        await ops.promote("nobody@example.com")


async def test_disabling_refuses_the_account_and_enabling_restores_it_each_audited(
    accounts: AccountsApp, ops: Operators
) -> None:
    admin, user = await accounts.member(), await accounts.member()
    session = await accounts.login(user)

    await ops.set_disabled(admin.id, user.id, True, "chargeback fraud")
    with pytest.raises(AccountDisabled):
        await accounts.ensure_active(user.id)
    with pytest.raises(AccountDisabled):
        await accounts.refresh(session.refresh_token)
    await ops.set_disabled(admin.id, user.id, False, "cleared")

    assert accounts.account_cache.changes == [user.id, user.id]  # each change announced to every process's cache
    await accounts.ensure_active(user.id)
    await accounts.refresh(session.refresh_token)
    actions = [(e.actor, e.action, e.reason) for e in (await ops.audit(10, None)).items]
    assert actions == [(str(admin.id), AuditAction.ENABLE, "cleared"), (str(admin.id), AuditAction.DISABLE, "chargeback fraud")]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501, "nul\x00"])
async def test_an_admin_action_needs_a_storable_reason(accounts: AccountsApp, ops: Operators, reason: str) -> None:
    admin, user = await accounts.member(), await accounts.member()

    with pytest.raises(ValidationFailed):
        await ops.set_disabled(admin.id, user.id, True, reason)
    with pytest.raises(ValidationFailed):
        await ops.adjust(str(admin.id), user.id, 5, reason)
    assert (await ops.audit(10, None)).items == []


async def test_an_admin_cannot_disable_themselves(accounts: AccountsApp, ops: Operators) -> None:
    admin = await accounts.member()
    with pytest.raises(ValidationFailed):
        await ops.set_disabled(admin.id, admin.id, True, "oops")


async def test_credits_are_granted_and_taken_as_admin_rows_never_below_zero(accounts: AccountsApp, ops: Operators) -> None:
    admin, user = await accounts.member(), await accounts.member()

    granted = await ops.adjust(str(admin.id), user.id, 5, "goodwill")
    taken = await ops.adjust(str(admin.id), user.id, -12, "abuse")
    with pytest.raises(ValidationFailed):
        await ops.adjust(str(admin.id), user.id, -4, "too much")
    with pytest.raises(ValidationFailed):
        await ops.adjust(str(admin.id), user.id, 0, "nothing")
    with pytest.raises(UserNotFound):
        await ops.adjust(str(admin.id), UUID(int=999_999), 1, "nobody")

    assert (granted.reason, granted.delta, granted.balance_after) == (Reason.ADMIN_GRANT, 5, 15)
    assert (taken.reason, taken.delta, taken.balance_after) == (Reason.ADMIN_DEBIT, -12, 3)
    audit = [(e.action, e.subject, e.reason) for e in (await ops.audit(10, None)).items]
    assert audit == [
        (AuditAction.DEBIT_CREDITS, str(user.id), "-12: abuse"),
        (AuditAction.GRANT_CREDITS, str(user.id), "+5: goodwill"),
    ]
    accounts.assert_books_balance(user)


async def test_the_command_line_grant_writes_the_audit_log(accounts: AccountsApp, ops: Operators) -> None:
    user = await accounts.member("ada@example.com")

    await ops.grant("ada@example.com", 7, "launch promo")

    [entry] = (await ops.audit(10, None)).items
    assert (entry.actor, entry.action, entry.subject, entry.reason) == (
        CLI_ACTOR, AuditAction.GRANT_CREDITS, str(user.id), "+7: launch promo"
    )  # fmt: skip


async def test_users_are_found_by_part_of_their_address(accounts: AccountsApp, ops: Operators) -> None:
    await accounts.member("ada@example.com")
    await accounts.member("adam@example.org")
    await accounts.member("bob@example.com")

    found = await ops.find("ADA", 10, None)
    everyone = await ops.find("", 2, None)

    assert sorted(u.email for u in found.items) == ["ada@example.com", "adam@example.org"]
    assert len(everyone.items) == 2 and everyone.next_cursor is not None
