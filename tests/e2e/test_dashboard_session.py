"""The dashboard's cookie session over HTTP: log in and out, cookie flags, CSRF, transparent refresh."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import httpx
import pytest

from tests.e2e.dashboard_client import PASSWORD, Site, Visitor, text_of

SESSION = "pixelmill_session"


def set_cookies(response: httpx.Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize("path", ["/", "/tasks", "/ledger", f"/tasks/{uuid4()}", "/tasks?status=failed"])
async def test_pages_without_a_session_redirect_to_login(site: Site, path: str) -> None:
    response = await site.visitor().get(path)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_login_brings_the_visitor_back_where_they_were_heading(site: Site) -> None:
    owner = await site.visitor().sign_up()
    visitor = site.visitor()
    redirect = await visitor.get("/ledger")
    login_page = await visitor.get(redirect.headers["location"])
    assert 'name="next" value="/ledger"' in login_page.text

    response = await visitor.post("/login", {"email": owner.email, "password": PASSWORD, "next": "/ledger"})

    assert response.status_code == 303
    assert response.headers["location"] == "/ledger"
    assert (await visitor.get("/ledger")).status_code == 200


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
async def test_login_never_redirects_off_the_site(site: Site, target: str) -> None:
    owner = await site.visitor().sign_up()
    visitor = site.visitor()
    await visitor.get("/login")

    response = await visitor.post("/login", {"email": owner.email, "password": PASSWORD, "next": target})

    assert response.headers["location"] == "/"


async def test_the_session_cookie_is_httponly_and_samesite_lax_and_not_secure_over_http(site: Site) -> None:
    visitor = site.visitor()
    await visitor.get("/signup")

    response = await visitor.post("/signup", {"email": "ada@example.com", "password": PASSWORD})

    cookie = set_cookies(response)[SESSION]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie
    assert "Path=/" in cookie


async def test_over_https_the_cookies_are_secure(site: Site) -> None:
    visitor = site.visitor(base_url="https://testserver")
    first = await visitor.get("/signup")
    assert "Secure" in set_cookies(first)["pixelmill_csrf"]

    response = await visitor.post("/signup", {"email": "ada@example.com", "password": PASSWORD})

    assert "Secure" in set_cookies(response)[SESSION]


async def test_a_form_without_the_csrf_token_is_rejected_and_changes_nothing(site: Site) -> None:
    visitor = site.visitor()
    await visitor.get("/signup")

    response = await visitor.post("/signup", {"email": "ada@example.com", "password": PASSWORD}, csrf=False)

    assert response.status_code == 403
    assert "expired" in text_of(response)
    assert SESSION not in set_cookies(response)
    async with site.harness.container.uow() as uow:
        assert await uow.users.get_by_email("ada@example.com") is None


async def test_a_token_made_for_another_browser_or_another_user_is_rejected(site: Site) -> None:
    ada = await site.visitor().sign_up()
    bob = await site.visitor().sign_up()

    stolen = await bob.post("/upload", {"title": "x", "csrf_token": ada.csrf}, csrf=False, files={"image": ("a.jpg", b"x")})
    wrong = await bob.http.post("/logout", data={"csrf_token": "0" * 64})

    assert stolen.status_code == 403 and wrong.status_code == 403
    assert await bob.balance() == 10
    assert (await bob.get("/")).status_code == 200  # still logged in


async def test_the_token_of_the_login_form_is_worthless_once_logged_in(site: Site) -> None:
    visitor = site.visitor()
    await visitor.get("/signup")
    anonymous_token = visitor.csrf
    await visitor.post("/signup", {"email": "ada@example.com", "password": PASSWORD})

    response = await visitor.post("/logout", {"csrf_token": anonymous_token}, csrf=False)

    assert response.status_code == 403


async def test_the_json_api_ignores_the_cookie_and_wants_a_bearer_token(site: Site) -> None:
    visitor = await site.visitor().sign_up()

    response = await visitor.http.get("/api/v1/me")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_wrong_password_is_said_in_words_without_telling_which_part(site: Site) -> None:
    owner = await site.visitor().sign_up()
    visitor = site.visitor()
    await visitor.get("/login")

    wrong_password = await visitor.post("/login", {"email": owner.email, "password": "not the password"})
    await visitor.get("/login")
    unknown_email = await visitor.post("/login", {"email": "nobody@example.com", "password": PASSWORD})

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.headers["content-type"] == "text/html; charset=utf-8"
    assert "That email and password do not match an account." in text_of(wrong_password)
    assert text_of(unknown_email).count("do not match") == 1
    assert SESSION not in set_cookies(wrong_password)


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("not-an-email", PASSWORD, "email", "is not a valid email address"),
        ("ada@example.com", "short", "password", "must have 8 to 1024 characters"),
    ],
)
async def test_signup_errors_are_shown_next_to_their_field(
    site: Site, email: str, password: str, field: str, message: str
) -> None:
    visitor = site.visitor()
    await visitor.get("/signup")

    response = await visitor.post("/signup", {"email": email, "password": password})

    assert response.status_code == 422
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<p class="field-error" id="{field}-error">' in response.text
    assert message in text_of(response)
    assert f'aria-describedby="{field}-help {field}-error"' in response.text or f'aria-describedby="{field}-error"' in response.text


async def test_signing_up_with_a_taken_email_says_so_at_the_email(site: Site) -> None:
    await site.visitor().sign_up("ada@example.com")
    visitor = site.visitor()
    await visitor.get("/signup")

    response = await visitor.post("/signup", {"email": "ADA@example.com", "password": PASSWORD})

    assert response.status_code == 409
    assert 'id="email-error"' in response.text
    assert "already registered" in text_of(response)


async def test_logged_in_visitors_skip_the_login_and_signup_pages(site: Site) -> None:
    visitor = await site.visitor().sign_up()

    assert (await visitor.get("/login")).headers["location"] == "/"
    assert (await visitor.get("/signup")).headers["location"] == "/"


async def test_logout_ends_the_session_and_revokes_its_refresh_token(site: Site) -> None:
    visitor = await site.visitor().sign_up()
    refresh_token = visitor.http.cookies[SESSION].split("~")[1]

    response = await visitor.post("/logout")

    assert response.status_code == 303
    assert "Max-Age=0" in set_cookies(response)[SESSION]
    assert (await visitor.get("/")).status_code == 303
    refreshed = await visitor.http.post("/api/v1/auth/refresh", json={"refresh_token": refresh_token})
    assert refreshed.status_code == 401


def expired(visitor: Visitor) -> tuple[dict[str, str], str]:
    """A Cookie header with the refresh token kept and the access token broken: as if 15 minutes had passed."""
    _, refresh_token = visitor.http.cookies[SESSION].split("~")
    nonce = visitor.http.cookies["pixelmill_csrf"]
    return {"cookie": f"{SESSION}=expired.access.token~{refresh_token}; pixelmill_csrf={nonce}"}, refresh_token


def session_cookie(response: httpx.Response) -> str:
    return set_cookies(response)[SESSION].split(";")[0].split("=", 1)[1]


async def test_an_expired_access_token_is_refreshed_without_the_visitor_noticing(site: Site) -> None:
    visitor = await site.visitor().sign_up()
    headers, old_refresh = expired(visitor)

    response = await visitor.http.get("/ledger", headers=headers)

    assert response.status_code == 200
    assert visitor.email in response.text
    new_access, new_refresh = session_cookie(response).split("~")
    assert new_refresh != old_refresh
    assert (await visitor.http.get("/api/v1/me", headers={"Authorization": f"Bearer {new_access}"})).status_code == 200


async def test_requests_racing_with_the_same_expired_token_do_not_look_like_theft(site: Site) -> None:
    visitor = await site.visitor().sign_up()
    headers, _ = expired(visitor)

    responses = await asyncio.gather(*(visitor.http.get("/tasks", headers=headers) for _ in range(4)))

    assert [r.status_code for r in responses] == [200] * 4
    cookies = {session_cookie(r) for r in responses}
    assert len(cookies) == 1  # one rotation, handed to every racing request
    after = await visitor.http.get("/ledger", headers={"cookie": f"{SESSION}={cookies.pop()}"})
    assert after.status_code == 200  # the login was not revoked


async def test_a_revoked_refresh_token_ends_the_session(site: Site) -> None:
    visitor = await site.visitor().sign_up()
    headers, refresh_token = expired(visitor)
    await site.harness.container.log_out()(await visitor.user_id(), refresh_token)

    response = await visitor.http.get("/", headers=headers)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert "Max-Age=0" in set_cookies(response)[SESSION]


async def test_a_rotated_refresh_token_replayed_by_another_browser_gets_nothing_and_ends_the_login(site: Site) -> None:
    victim = await site.visitor().sign_up()
    headers, refresh_token = expired(victim)
    rotated = await victim.http.get("/tasks", headers=headers)
    assert rotated.status_code == 200

    # Within the grace, from a client without the victim's browser nonce (a stolen session cookie).
    thief = await site.visitor().http.get("/tasks", headers={"cookie": f"{SESSION}=expired.access.token~{refresh_token}"})

    assert thief.status_code == 303 and thief.headers["location"].startswith("/login")
    assert SESSION not in set_cookies(thief) or "Max-Age=0" in set_cookies(thief)[SESSION]
    # As in the API: reuse of a rotated token revokes the whole login (its access token simply expires).
    new_refresh = session_cookie(rotated).split("~")[1]
    nonce = victim.http.cookies["pixelmill_csrf"]
    cookie = f"{SESSION}=expired.access.token~{new_refresh}; pixelmill_csrf={nonce}"
    assert (await victim.http.get("/ledger", headers={"cookie": cookie})).status_code == 303
