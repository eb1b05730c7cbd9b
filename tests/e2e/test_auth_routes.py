"""Auth routes over HTTP, as API.md states them."""

from __future__ import annotations

import time

import jwt

from tests.e2e.conftest import Api


async def test_signup_answers_the_user_with_the_signup_bonus(api: Api) -> None:
    response = await api.http.post("/api/v1/auth/signup", json={"email": " Ada@Example.COM ", "password": "long enough"})
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "ada@example.com"
    assert body["credits"] == 10
    assert set(body) >= {"id", "email", "credits", "created_at"}


async def test_signup_with_a_taken_email_in_other_case_is_409(api: Api) -> None:
    await api.http.post("/api/v1/auth/signup", json={"email": "bob@example.com", "password": "long enough"})
    response = await api.http.post("/api/v1/auth/signup", json={"email": "BOB@example.com", "password": "long enough"})
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_weak_or_huge_password_and_bad_email_are_422(api: Api) -> None:
    for body in (
        {"email": "c@example.com", "password": "short"},
        {"email": "c@example.com", "password": "x" * 1025},
        {"email": "not-an-email", "password": "long enough"},
        {"email": "c@example.com"},
        {"email": 5, "password": "long enough"},
    ):
        response = await api.http.post("/api/v1/auth/signup", json=body)
        assert response.status_code == 422, (body, response.text)
        problem = response.json()
        assert {"type", "title", "status", "detail", "errors"} <= set(problem)


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.http.post(
        "/api/v1/auth/signup", content=b'{"email": "x@example.com", "pass', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["status"] == 400


async def test_login_gives_tokens_and_wrong_email_or_password_are_the_same_401(api: Api) -> None:
    user = await api.new_user()
    assert user.tokens["token_type"] == "bearer"  # type: ignore[attr-defined]
    assert user.tokens["expires_in"] == 900  # type: ignore[attr-defined]
    wrong_password = await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong one!"})  # type: ignore[attr-defined]
    wrong_email = await api.http.post("/api/v1/auth/login", json={"email": "nobody@example.com", "password": "wrong one!"})
    assert wrong_password.status_code == wrong_email.status_code == 401
    assert wrong_password.json()["detail"] == wrong_email.json()["detail"]


async def test_me_needs_a_valid_access_token(api: Api) -> None:
    user = await api.new_user()
    assert (await user.get("/api/v1/me")).json()["email"] == user.email  # type: ignore[attr-defined]
    assert (await api.http.get("/api/v1/me")).status_code == 401
    refresh_as_access = {"Authorization": f"Bearer {user.tokens['refresh_token']}"}  # type: ignore[attr-defined]
    assert (await api.http.get("/api/v1/me", headers=refresh_as_access)).status_code == 401


async def test_tokens_signed_with_another_key_or_alg_none_or_expired_are_401(api: Api) -> None:
    user = await api.new_user()
    claims = jwt.decode(user.tokens["access_token"], options={"verify_signature": False})  # type: ignore[attr-defined]
    other_key = jwt.encode(claims, "another-secret-that-is-long-enough-xxxxxxxx", algorithm="HS256")
    none_alg = jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]
    expired = jwt.encode(
        {**claims, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600},
        api.harness.container.settings().jwt_secret,
        algorithm="HS256",
    )
    for token in (other_key, none_alg, expired, "not-a-jwt"):
        response = await api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


async def test_refresh_rotates_and_reuse_revokes_the_family_only(api: Api) -> None:
    user = await api.new_user()
    first = user.tokens["refresh_token"]  # type: ignore[attr-defined]
    other_login = (await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "correct horse"})).json()  # type: ignore[attr-defined]

    rotated = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert rotated.status_code == 200
    second = rotated.json()["refresh_token"]
    assert second != first

    reuse = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": first})
    assert reuse.status_code == 401
    revoked = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": second})
    assert revoked.status_code == 401
    untouched = await api.http.post("/api/v1/auth/refresh", json={"refresh_token": other_login["refresh_token"]})
    assert untouched.status_code == 200


async def test_logout_revokes_the_refresh_token(api: Api) -> None:
    user = await api.new_user()
    refresh = user.tokens["refresh_token"]  # type: ignore[attr-defined]
    assert (await user.post("/api/v1/auth/logout", json={"refresh_token": refresh})).status_code == 204
    assert (await api.http.post("/api/v1/auth/refresh", json={"refresh_token": refresh})).status_code == 401
    assert (await api.http.post("/api/v1/auth/logout", json={"refresh_token": refresh})).status_code == 401
