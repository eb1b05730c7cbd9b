"""E-mail verification, the sign-up bonus it may hold back, and changing the password or the address."""

from __future__ import annotations

import dataclasses
from uuid import UUID

import pytest

from application.use_cases.accounts.change_credentials import ChangePasswordCommand
from application.use_cases.log_in import LogInCommand
from domain.credits import Reason
from domain.errors import AccountDisabled, EmailTaken, InvalidCredentials, LinkTokenInvalid, Unauthenticated, ValidationFailed
from tests.unit.accounts.conftest import PUBLIC_URL, AccountsApp, token_of
from tests.unit.conftest import PASSWORD, SIGNUP_CREDITS


async def test_sign_up_mails_a_verification_link_that_verifies_the_address(accounts: AccountsApp) -> None:
    user = await accounts.member("ada@example.com")
    [mail] = await accounts.work_mail()

    await accounts.verify_email(token_of(mail))

    assert (mail.to, mail.subject) == ("ada@example.com", "Verify your e-mail")
    assert mail.link.startswith(f"{PUBLIC_URL}/verify-email?token=")
    assert not user.email_verified
    assert (await accounts.get_me(user.id)).email_verified


async def test_with_bonus_at_verification_the_bonus_comes_once_at_verification(verifying: AccountsApp) -> None:
    user = await verifying.member()
    [mail] = await verifying.work_mail()
    assert user.credits == 0 and verifying.ledger(user) == []

    await verifying.verify_email(token_of(mail))
    await verifying.verify_email(token_of(mail))
    await verifying.resend_verification(user.id)

    assert verifying.balance(user) == SIGNUP_CREDITS
    assert [(e.reason, e.delta) for e in verifying.ledger(user)] == [(Reason.SIGNUP_BONUS, SIGNUP_CREDITS)]
    assert await verifying.work_mail() == []  # verified already: no second link


async def test_without_bonus_at_verification_sign_up_grants_it_and_verification_adds_nothing(
    accounts: AccountsApp,
) -> None:
    user = await accounts.member()
    [mail] = await accounts.work_mail()

    await accounts.verify_email(token_of(mail))

    assert [(e.reason, e.delta) for e in accounts.ledger(user)] == [(Reason.SIGNUP_BONUS, SIGNUP_CREDITS)]


async def test_a_verification_link_expires(accounts: AccountsApp) -> None:
    await accounts.member()
    [mail] = await accounts.work_mail()
    accounts.clock.advance(24 * 3600 + 10)

    with pytest.raises(LinkTokenInvalid):
        await accounts.verify_email(token_of(mail))


async def test_resend_mails_another_link_while_unverified(accounts: AccountsApp) -> None:
    user = await accounts.member()
    await accounts.work_mail()

    await accounts.resend_verification(user.id)

    [mail] = await accounts.work_mail()
    await accounts.verify_email(token_of(mail))
    assert (await accounts.get_me(user.id)).email_verified


async def test_changing_the_password_needs_the_current_one_and_keeps_only_this_session(accounts: AccountsApp) -> None:
    user = await accounts.member()
    this, other = await accounts.login(user), await accounts.login(user)
    this_family = accounts.tokens.read(this.access_token, "access", accounts.clock.now()).family
    assert this_family is not None

    with pytest.raises(ValidationFailed):
        await accounts.change_password(ChangePasswordCommand(user.id, "not my password", "a new passphrase"))
    await accounts.change_password(
        ChangePasswordCommand(user.id, PASSWORD, "a new passphrase", keep_family=UUID(this_family))
    )

    await accounts.refresh(this.refresh_token)
    with pytest.raises(Unauthenticated):
        await accounts.refresh(other.refresh_token)
    with pytest.raises(InvalidCredentials):
        await accounts.login(user)
    await accounts.log_in(LogInCommand(user.email, "a new passphrase"))


async def test_a_weak_new_password_names_its_field(accounts: AccountsApp) -> None:
    user = await accounts.member()
    with pytest.raises(ValidationFailed) as raised:
        await accounts.change_password(ChangePasswordCommand(user.id, PASSWORD, "short"))
    assert [e.field for e in raised.value.errors] == ["new_password"]


async def test_changing_the_address_moves_the_account_once_the_new_one_is_verified(accounts: AccountsApp) -> None:
    user = await accounts.member("ada@example.com")
    await accounts.work_mail()

    await accounts.change_email(user.id, PASSWORD, "Ada@New.example")
    [mail] = await accounts.work_mail()
    assert (await accounts.get_me(user.id)).email == "ada@example.com"  # not before the link is followed

    await accounts.verify_email(token_of(mail))
    await accounts.verify_email(token_of(mail))  # following it twice changes nothing more

    me = await accounts.get_me(user.id)
    assert (me.email, me.email_verified, mail.to) == ("ada@new.example", True, "ada@new.example")
    await accounts.log_in(LogInCommand("ada@new.example", PASSWORD))


async def test_an_address_change_needs_the_password_and_a_free_address(accounts: AccountsApp) -> None:
    user = await accounts.member("ada@example.com")
    await accounts.member("bob@example.com")

    with pytest.raises(ValidationFailed):
        await accounts.change_email(user.id, "wrong password", "ada@new.example")
    with pytest.raises(EmailTaken):
        await accounts.change_email(user.id, PASSWORD, "bob@example.com")


async def test_an_old_verification_link_does_not_work_after_the_address_changed(accounts: AccountsApp) -> None:
    user = await accounts.member("ada@example.com")
    [old] = await accounts.work_mail()
    await accounts.change_email(user.id, PASSWORD, "ada@new.example")
    [change] = await accounts.work_mail()
    await accounts.verify_email(token_of(change))

    with pytest.raises(LinkTokenInvalid):
        await accounts.verify_email(token_of(old))


async def test_a_disabled_account_is_refused_at_login_refresh_and_every_request(accounts: AccountsApp) -> None:
    user = await accounts.member()
    session = await accounts.login(user)
    stored = accounts.database.state.users[user.id]
    accounts.database.state.users[user.id] = dataclasses.replace(stored, disabled_at=accounts.clock.now())

    with pytest.raises(AccountDisabled):
        await accounts.login(user)
    with pytest.raises(AccountDisabled):
        await accounts.refresh(session.refresh_token)
    with pytest.raises(AccountDisabled):
        await accounts.ensure_active(user.id)
