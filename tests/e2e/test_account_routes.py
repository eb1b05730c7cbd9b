"""Password reset, e-mail verification, password and address changes over HTTP, on every store."""

from __future__ import annotations

import dataclasses
from uuid import UUID

from tests.e2e.accounts import mail_to, token_of
from tests.e2e.conftest import GENEROUS_LIMITS, Api, serving
from entrypoints.harness import build_harness

RESET = "Reset your password"
VERIFY = "Verify your e-mail"
PROBLEM = "application/problem+json"


async def test_password_reset_is_202_for_any_address_and_the_mailed_link_sets_the_password(api: Api) -> None:
    user = await api.new_user()

    known = await api.http.post("/api/v1/auth/password-reset", json={"email": user.email.upper()})  # type: ignore[attr-defined]
    unknown = await api.http.post("/api/v1/auth/password-reset", json={"email": "nobody@example.com"})
    mail = await mail_to(api, user.email, RESET)  # type: ignore[attr-defined]
    confirmed = await api.http.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token_of(mail), "password": "a fresh passphrase"}
    )
    again = await api.http.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token_of(mail), "password": "another passphrase"}
    )
    refresh = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]})  # type: ignore[attr-defined]
    login = await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "a fresh passphrase"})  # type: ignore[attr-defined]

    assert (known.status_code, unknown.status_code) == (202, 202)
    assert known.content == unknown.content
    assert confirmed.status_code == 204, confirmed.text
    assert again.status_code == 400 and again.headers["content-type"] == PROBLEM
    assert refresh.status_code == 401  # every session revoked
    assert login.status_code == 200
    assert [m.to for m in api.harness.mailer.sent if m.subject == RESET] == [user.email]  # type: ignore[attr-defined]


async def test_reset_bodies_are_checked(api: Api) -> None:
    malformed = await api.http.post("/api/v1/auth/password-reset", json={"email": "not an address"})
    missing = await api.http.post("/api/v1/auth/password-reset/confirm", json={"token": "x"})
    forged = await api.http.post("/api/v1/auth/password-reset/confirm", json={"token": "x.y.z", "password": "long enough"})
    weak = await api.http.post("/api/v1/auth/password-reset/confirm", json={"token": "x.y.z", "password": "short"})

    assert (malformed.status_code, missing.status_code, forged.status_code, weak.status_code) == (422, 422, 400, 422)
    assert forged.json()["type"].endswith("/invalid-link-token")


async def test_the_verification_link_of_the_sign_up_verifies_the_address(api: Api) -> None:
    user = await api.new_user()
    before = (await user.get("/api/v1/me")).json()

    mail = await mail_to(api, user.email, VERIFY)  # type: ignore[attr-defined]
    verified = await api.http.post("/api/v1/auth/verify-email", json={"token": token_of(mail)})
    after = (await user.get("/api/v1/me")).json()
    resent = await user.post("/api/v1/me/verify-email")

    assert before["email_verified"] is False
    assert verified.status_code == 204
    assert after["email_verified"] is True
    assert resent.status_code == 202


async def test_changing_the_password_keeps_this_session_and_ends_the_others(api: Api) -> None:
    user = await api.new_user()
    other = (await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "correct horse"})).json()  # type: ignore[attr-defined]

    wrong = await user.post("/api/v1/me/password", json={"current_password": "nope nope", "new_password": "a new horse"})
    changed = await user.post("/api/v1/me/password", json={"current_password": "correct horse", "new_password": "a new horse"})
    mine = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]})  # type: ignore[attr-defined]
    theirs = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": other["refresh_token"]})

    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "current_password"
    assert changed.status_code == 204
    assert (mine.status_code, theirs.status_code) == (200, 401)


async def test_changing_the_address_takes_effect_when_the_new_one_is_verified(api: Api) -> None:
    user = await api.new_user()
    taken = await api.new_user()
    new_address = f"new-{user.email}"  # type: ignore[attr-defined]

    conflict = await user.post("/api/v1/me/email", json={"password": "correct horse", "email": taken.email})  # type: ignore[attr-defined]
    asked = await user.post("/api/v1/me/email", json={"password": "correct horse", "email": new_address})
    unchanged = (await user.get("/api/v1/me")).json()["email"]
    mail = await mail_to(api, new_address, VERIFY)
    verified = await api.http.post("/api/v1/auth/verify-email", json={"token": token_of(mail)})
    me = (await user.get("/api/v1/me")).json()

    assert conflict.status_code == 409
    assert asked.status_code == 202
    assert unchanged == user.email  # type: ignore[attr-defined]
    assert verified.status_code == 204
    assert (me["email"], me["email_verified"]) == (new_address, True)


async def test_a_disabled_account_gets_403_on_its_access_and_refresh_tokens_and_api_keys(api: Api) -> None:
    user = await api.new_user()
    key = (await user.post("/api/v1/api-keys", json={"name": "ci"})).json()["key"]
    assert (await api.http.get("/api/v1/credits", headers={"Authorization": f"Bearer {key}"})).status_code == 200
    await _disable(api, user)

    with_key = await api.http.get("/api/v1/credits", headers={"Authorization": f"Bearer {key}"})
    me = await user.get("/api/v1/me")
    refresh = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]})  # type: ignore[attr-defined]
    login = await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "correct horse"})  # type: ignore[attr-defined]

    for answer in (with_key, me, refresh, login):
        assert answer.status_code == 403, answer.text
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json()["type"].endswith("/account-disabled")


async def test_reset_requests_are_limited_per_address_and_per_ip() -> None:
    harness = build_harness(rate_limit_reset_per_email=2, rate_limit_account=4)
    async with serving(harness) as api:
        per_address = [
            (await api.http.post("/api/v1/auth/password-reset", json={"email": "ada@example.com"})).status_code
            for _ in range(3)
        ]
        per_ip = [
            (await api.http.post("/api/v1/auth/password-reset", json={"email": f"u{i}@example.com"})).status_code
            for i in range(2)
        ]
        limited = await api.http.post("/api/v1/auth/password-reset", json={"email": "ada@example.com"})

    assert per_address == [202, 202, 429]
    assert per_ip == [202, 429]
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


async def _disable(api: Api, user: Api) -> None:
    """Straight through the store: the admin routes have their own tests."""
    user_id = UUID((await user.get("/api/v1/me")).json()["id"])
    async with api.harness.container.uow() as uow:
        stored = await uow.users.get(user_id)
        assert stored is not None
        await uow.users.update(dataclasses.replace(stored, disabled_at=stored.created_at))
        await uow.commit()


async def test_with_bonus_at_verification_credits_arrive_when_the_address_is_verified_once() -> None:
    harness = build_harness(signup_bonus_requires_verification=True, **GENEROUS_LIMITS)
    async with serving(harness) as api:
        user = await api.new_user()
        before = (await user.get("/api/v1/me")).json()
        mail = await mail_to(api, user.email, VERIFY)  # type: ignore[attr-defined]
        first = await api.http.post("/api/v1/auth/verify-email", json={"token": token_of(mail)})
        second = await api.http.post("/api/v1/auth/verify-email", json={"token": token_of(mail)})
        after = (await user.get("/api/v1/me")).json()
        ledger = (await user.get("/api/v1/credits/ledger")).json()["items"]

    assert (before["credits"], before["email_verified"]) == (0, False)
    assert (first.status_code, second.status_code) == (204, 204)
    assert (after["credits"], after["email_verified"]) == (10, True)
    assert [(e["reason"], e["delta"]) for e in ledger] == [("signup_bonus", 10)]
