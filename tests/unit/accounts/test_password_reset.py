"""Password reset: a mailed link, single use, 30 minutes, that revokes every session; nothing tells addresses apart."""

from __future__ import annotations

import pytest

from application.use_cases.log_in import LogInCommand
from domain.errors import InvalidCredentials, LinkTokenInvalid, Unauthenticated, ValidationFailed
from domain.mail import AccountMail, MailRequest
from tests.unit.accounts.conftest import PUBLIC_URL, AccountsApp, token_of

NEW_PASSWORD = "a brand new passphrase"


async def test_a_reset_request_mails_a_link_that_sets_a_new_password(accounts: AccountsApp) -> None:
    user = await accounts.member("ada@example.com")
    await accounts.work_mail()

    await accounts.request_reset("Ada@Example.com")
    [mail] = await accounts.work_mail()
    await accounts.confirm_reset(token_of(mail), NEW_PASSWORD)

    assert mail.to == "ada@example.com"
    assert mail.subject == "Reset your password"
    assert mail.link.startswith(f"{PUBLIC_URL}/reset-password?token=")
    assert mail.link in mail.text and mail.link.replace("&", "&amp;") in mail.html
    await accounts.log_in(LogInCommand(user.email, NEW_PASSWORD))
    with pytest.raises(InvalidCredentials):
        await accounts.login(user)


async def test_known_and_unknown_addresses_queue_the_same_request_and_only_a_known_one_gets_mail(
    accounts: AccountsApp,
) -> None:
    await accounts.member("ada@example.com")
    await accounts.work_mail()

    await accounts.request_reset("ada@example.com")
    await accounts.request_reset("nobody@example.com")

    assert accounts.mail_queue.requests == [
        MailRequest(AccountMail.PASSWORD_RESET, "ada@example.com"),
        MailRequest(AccountMail.PASSWORD_RESET, "nobody@example.com"),
    ]
    assert [mail.to for mail in await accounts.work_mail()] == ["ada@example.com"]


async def test_a_reset_link_works_once(accounts: AccountsApp) -> None:
    await accounts.member("ada@example.com")
    await accounts.request_reset("ada@example.com")
    await accounts.request_reset("ada@example.com")
    first, second = [m for m in await accounts.work_mail() if m.subject == "Reset your password"]

    await accounts.confirm_reset(token_of(first), NEW_PASSWORD)

    with pytest.raises(LinkTokenInvalid):
        await accounts.confirm_reset(token_of(first), "yet another passphrase")
    with pytest.raises(LinkTokenInvalid):
        await accounts.confirm_reset(token_of(second), "yet another passphrase")


async def test_a_reset_link_expires_after_thirty_minutes(accounts: AccountsApp) -> None:
    await accounts.member("ada@example.com")
    await accounts.request_reset("ada@example.com")
    mail = (await accounts.work_mail())[-1]

    accounts.clock.advance(30 * 60 + 10)

    with pytest.raises(LinkTokenInvalid):
        await accounts.confirm_reset(token_of(mail), NEW_PASSWORD)


async def test_a_confirmed_reset_revokes_every_session(accounts: AccountsApp) -> None:
    user = await accounts.member("ada@example.com")
    phone, laptop = await accounts.login(user), await accounts.login(user)
    await accounts.request_reset("ada@example.com")
    mail = (await accounts.work_mail())[-1]

    await accounts.confirm_reset(token_of(mail), NEW_PASSWORD)

    for session in (phone, laptop):
        with pytest.raises(Unauthenticated):
            await accounts.refresh(session.refresh_token)


async def test_a_weak_new_password_is_refused_and_the_link_still_works(accounts: AccountsApp) -> None:
    await accounts.member("ada@example.com")
    await accounts.request_reset("ada@example.com")
    mail = (await accounts.work_mail())[-1]

    with pytest.raises(ValidationFailed):
        await accounts.confirm_reset(token_of(mail), "short")
    await accounts.confirm_reset(token_of(mail), NEW_PASSWORD)


async def test_other_tokens_do_not_reset_a_password(accounts: AccountsApp) -> None:
    user = await accounts.member("ada@example.com")
    verification = (await accounts.work_mail())[0]
    session = await accounts.login(user)

    for token in (token_of(verification), session.access_token, session.refresh_token, "garbage"):
        with pytest.raises(LinkTokenInvalid):
            await accounts.confirm_reset(token, NEW_PASSWORD)


async def test_a_malformed_address_is_refused_before_anything_is_queued(accounts: AccountsApp) -> None:
    with pytest.raises(ValidationFailed):
        await accounts.request_reset("not an address")
    assert accounts.mail_queue.requests == []


async def test_a_mail_server_hiccup_is_retried(accounts: AccountsApp) -> None:
    await accounts.member("ada@example.com")
    await accounts.work_mail()
    accounts.mailer.failures_left = 2

    await accounts.request_reset("ada@example.com")

    assert [m.subject for m in await accounts.work_mail()] == ["Reset your password"]
