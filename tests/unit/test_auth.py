"""Sign-up, log-in, refresh-token rotation with family revocation on reuse, and log-out."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

import jwt
import pytest

from adapters.security.tokens import JwtTokenIssuer
from application.use_cases.log_in import LogInCommand
from application.use_cases.sign_up import SignUpCommand
from domain.credits import Reason
from domain.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidToken,
    TokenReused,
    Unauthenticated,
    ValidationFailed,
)
from domain.tokens import ACCESS, REFRESH, Claims
from tests.unit.conftest import ACCESS_TTL, PASSWORD, REFRESH_TTL, SIGNUP_CREDITS, Bootstrap


async def test_sign_up_normalises_the_email_and_grants_the_bonus_as_a_ledger_row(app: Bootstrap) -> None:
    user = await app.sign_up(SignUpCommand("  Ada@Example.COM ", PASSWORD))

    assert user.email == "ada@example.com"
    assert user.credits == SIGNUP_CREDITS
    assert [(e.reason, e.delta, e.balance_after) for e in app.ledger(user)] == [
        (Reason.SIGNUP_BONUS, SIGNUP_CREDITS, SIGNUP_CREDITS)
    ]
    assert (await app.get_me(user.id)).email == "ada@example.com"
    assert await app.get_balance(user.id) == SIGNUP_CREDITS
    app.assert_books_balance(user)


async def test_the_password_is_stored_hashed(app: Bootstrap) -> None:
    user = await app.sign_up(SignUpCommand("ada@example.com", PASSWORD))
    stored = app.database.state.users[user.id]
    assert PASSWORD not in stored.password_hash
    assert stored.password_hash.startswith("$argon2id$")


async def test_an_email_taken_in_another_case_is_refused(app: Bootstrap) -> None:
    await app.sign_up(SignUpCommand("ada@example.com", PASSWORD))
    with pytest.raises(EmailTaken):
        await app.sign_up(SignUpCommand("ADA@example.com", "another password"))
    assert len(app.database.state.users) == 1


async def test_two_racing_sign_ups_with_one_email_make_one_user(app: Bootstrap) -> None:
    results = await asyncio.gather(
        app.sign_up(SignUpCommand("ada@example.com", PASSWORD)),
        app.sign_up(SignUpCommand("Ada@example.com", PASSWORD)),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["EmailTaken", "User"]
    assert len(app.database.state.users) == 1
    assert len(app.database.state.ledger) == 1


@pytest.mark.parametrize("password", ["short", "x" * 7, "x" * 1025])
async def test_a_password_outside_8_to_1024_characters_is_refused(app: Bootstrap, password: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        await app.sign_up(SignUpCommand("ada@example.com", password))
    assert [e.field for e in exc.value.errors] == ["password"]
    assert app.database.state.users == {}


@pytest.mark.parametrize("password", ["x" * 8, "x" * 1024])
async def test_passwords_of_8_and_1024_characters_are_accepted(app: Bootstrap, password: str) -> None:
    user = await app.sign_up(SignUpCommand("ada@example.com", password))
    assert await app.log_in(LogInCommand("ada@example.com", password))
    assert user.credits == SIGNUP_CREDITS


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "two@@example.com", ""])
async def test_a_malformed_email_is_refused(app: Bootstrap, email: str) -> None:
    with pytest.raises(ValidationFailed):
        await app.sign_up(SignUpCommand(email, PASSWORD))


async def test_log_in_gives_an_access_token_for_the_user(app: Bootstrap) -> None:
    user = await app.user()
    tokens = await app.log_in(LogInCommand("  " + user.email.upper(), PASSWORD))
    assert tokens.token_type == "bearer"
    assert tokens.expires_in == ACCESS_TTL.total_seconds()
    assert app.authenticate(tokens.access_token) == user.id


async def test_a_wrong_email_and_a_wrong_password_fail_alike(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(InvalidCredentials) as wrong_email:
        await app.log_in(LogInCommand("nobody@example.com", PASSWORD))
    with pytest.raises(InvalidCredentials) as wrong_password:
        await app.log_in(LogInCommand(user.email, PASSWORD + "!"))
    assert str(wrong_email.value) == str(wrong_password.value)
    assert app.database.state.refresh_tokens == {}


async def test_refresh_rotates_and_the_old_token_stops_working(app: Bootstrap) -> None:
    user = await app.user()
    first = await app.login(user)

    second = await app.refresh(first.refresh_token)

    assert second.refresh_token != first.refresh_token
    assert app.authenticate(second.access_token) == user.id
    with pytest.raises(Unauthenticated):
        await app.refresh(first.refresh_token)


async def test_reusing_a_rotated_token_revokes_its_whole_family_but_not_other_logins(app: Bootstrap) -> None:
    user = await app.user()
    stolen = await app.login(user)
    other_device = await app.login(user)
    newest = await app.refresh(stolen.refresh_token)

    with pytest.raises(TokenReused):
        await app.refresh(stolen.refresh_token)
    with pytest.raises(Unauthenticated):
        await app.refresh(newest.refresh_token)

    still_working = await app.refresh(other_device.refresh_token)
    assert app.authenticate(still_working.access_token) == user.id


async def test_log_out_revokes_the_refresh_token(app: Bootstrap) -> None:
    user = await app.user()
    tokens = await app.login(user)
    other_device = await app.login(user)

    await app.log_out(user.id, tokens.refresh_token)

    with pytest.raises(InvalidToken):
        await app.refresh(tokens.refresh_token)
    assert await app.refresh(other_device.refresh_token)


async def test_log_out_ignores_another_users_token(app: Bootstrap) -> None:
    alice, mallory = await app.user(), await app.user()
    tokens = await app.login(alice)

    await app.log_out(mallory.id, tokens.refresh_token)

    assert await app.refresh(tokens.refresh_token)


async def test_an_access_token_is_not_a_refresh_token_and_vice_versa(app: Bootstrap) -> None:
    tokens = await app.login(await app.user())
    with pytest.raises(InvalidToken):
        await app.refresh(tokens.access_token)
    with pytest.raises(InvalidToken):
        app.authenticate(tokens.refresh_token)


async def test_an_expired_access_token_is_refused(app: Bootstrap) -> None:
    user = await app.user()
    tokens = await app.login(user)
    app.clock.advance(ACCESS_TTL.total_seconds() - 1)
    assert app.authenticate(tokens.access_token) == user.id

    app.clock.advance(60)

    with pytest.raises(InvalidToken):
        app.authenticate(tokens.access_token)


async def test_an_expired_refresh_token_is_refused(app: Bootstrap) -> None:
    tokens = await app.login(await app.user())
    app.clock.advance((REFRESH_TTL + timedelta(minutes=1)).total_seconds())
    with pytest.raises(InvalidToken):
        await app.refresh(tokens.refresh_token)


async def test_a_token_signed_with_another_key_is_refused(app: Bootstrap) -> None:
    user = await app.user()
    now = app.clock.now()
    forged = JwtTokenIssuer("someone-elses-secret-of-32-characters!").issue(
        Claims(ACCESS, str(user.id), "jti", now, now + ACCESS_TTL)
    )
    assert app.authenticate(app.tokens.issue(Claims(ACCESS, str(user.id), "jti", now, now + ACCESS_TTL))) == user.id
    with pytest.raises(InvalidToken):
        app.authenticate(forged)


async def test_a_token_with_algorithm_none_is_refused(app: Bootstrap) -> None:
    user = await app.user()
    now = int(app.clock.now().timestamp())
    payload = {"typ": ACCESS, "sub": str(user.id), "jti": "j", "iat": now, "exp": now + 900, "iss": "pixelmill"}
    unsigned = jwt.encode(payload, None, algorithm="none")
    with pytest.raises(InvalidToken):
        app.authenticate(unsigned)


async def test_a_refresh_token_missing_from_the_store_is_refused(app: Bootstrap) -> None:
    user = await app.user()
    now = app.clock.now()
    never_stored = app.tokens.issue(Claims(REFRESH, str(user.id), str(UUID(int=999)), now, now + REFRESH_TTL, "f"))
    with pytest.raises(InvalidToken):
        await app.refresh(never_stored)


async def test_garbage_is_not_a_token(app: Bootstrap) -> None:
    with pytest.raises(InvalidToken):
        app.authenticate("not.a.jwt")
    with pytest.raises(InvalidToken):
        await app.refresh("")
