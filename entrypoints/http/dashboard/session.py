"""The dashboard's cookie session: the API's own access and refresh tokens in an HttpOnly cookie.

The middleware reads the cookie, refreshes an expired access token transparently and puts the user id in
`scope["user"]` (None when nobody is logged in). Handlers change the session with `start` and `end`; the
middleware alone writes cookies, so their flags live in one place: HttpOnly, SameSite=Lax, Secure on HTTPS.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from application.use_cases.accounts.ensure_active import EnsureActive
from application.use_cases.authenticate import Authenticate
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.session_tokens import Tokens, hash_token
from domain.errors import AccountDisabled, Unauthenticated
from entrypoints.http.dashboard.csrf_tokens import make_token

SESSION_COOKIE = "pixelmill_session"
NONCE_COOKIE = "pixelmill_csrf"  # the CSRF nonce (see csrf.py)
_STATE = "pixelmill.dashboard"
_SEPARATOR = "~"  # never part of a JWT


@dataclass
class Session:
    """What the middleware knows about this request's session, and what the handler changed."""

    access_token: str | None
    refresh_token: str | None
    nonce: str
    tokens_changed: bool = False
    nonce_changed: bool = False
    csrf_token: str = ""  # what this request's forms must send back, made once the user is known

    def replace(self, access_token: str | None, refresh_token: str | None) -> None:
        """New tokens, or none: the response sets, or deletes, the session cookie."""
        self.access_token, self.refresh_token, self.tokens_changed = access_token, refresh_token, True


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def session_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Session:
    return connection.scope[_STATE]  # type: ignore[literal-required, no-any-return]


def start(connection: ASGIConnection[Any, Any, Any, Any], tokens: Tokens) -> None:
    """Log the browser in: the response carries the new session cookie."""
    session_of(connection).replace(tokens.access_token, tokens.refresh_token)


def end(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Log the browser out: the response deletes the session cookie."""
    session_of(connection).replace(None, None)


class LoginRequired(NotAuthorizedException):
    """No valid session: pages answer with a redirect to /login."""


async def session_required(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Guard: the route needs a logged-in browser (a coroutine, so that Litestar does not run it on a thread)."""
    if connection.scope.get("user") is None:
        raise LoginRequired("log in to see this page")


class Refresher:
    """Rotates a refresh token once even when several requests carry it at the same moment.

    The browser sends an expired access token with every request until one answer sets the new cookie; without
    this, the second rotation of the same refresh token would look like theft and revoke the login. The new pair
    is remembered, in this process only, for a few seconds after the rotation, and handed only to the browser that
    rotated it (its nonce cookie): a replay from anywhere else meets the API's rule (401, the login revoked).
    """

    def __init__(self, refresh_session: Callable[[], RefreshSession], grace_seconds: float = 30.0) -> None:
        self.refresh_session = refresh_session
        self.grace_seconds = grace_seconds
        self._recent: dict[str, tuple[float, Tokens]] = {}
        self._lock: asyncio.Lock | None = None

    async def __call__(self, refresh_token: str, browser: str) -> Tokens:
        """Raises Unauthenticated when the refresh token is invalid, expired, revoked or reused."""
        self._lock = self._lock or asyncio.Lock()
        key = hash_token(f"{browser}~{refresh_token}")
        async with self._lock:
            now = time.monotonic()
            self._recent = {k: v for k, v in self._recent.items() if now - v[0] < self.grace_seconds}
            if key in self._recent:
                return self._recent[key][1]
            tokens: Tokens = await self.refresh_session()(refresh_token)
            self._recent[key] = (now, tokens)
            return tokens


@dataclass(frozen=True)
class SessionServices:
    """What the session middleware needs, given by the app factory: functions, so each request gets fresh use cases."""

    authenticate: Callable[[], Authenticate]
    ensure_active: Callable[[], EnsureActive]
    refresher: Refresher
    csrf_secret: str
    cookie_seconds: int  # the session cookie lives as long as the refresh token


class DashboardSession:
    """ASGI middleware of the dashboard router."""

    def __init__(self, app: ASGIApp, services: SessionServices) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
        services = self.services
        nonce = connection.cookies.get(NONCE_COOKIE) or ""
        session = Session(*tokens_of(connection.cookies.get(SESSION_COOKIE, "")), nonce=nonce or new_nonce())
        session.nonce_changed = not nonce
        scope[_STATE] = session  # type: ignore[literal-required]
        scope["user"] = user = await self._user(session)
        session.csrf_token = make_token(services.csrf_secret, session.nonce, user)

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders(message)
                for cookie in _cookies(session, services.cookie_seconds, scope["scheme"] == "https"):
                    headers.add(*(part.decode("latin-1") for part in cookie.to_encoded_header()))
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    async def _user(self, session: Session) -> UUID | None:
        user_id = await self._token_user(session)
        if user_id is None:
            return None
        try:
            await self.services.ensure_active()(user_id)  # a disabled account is logged out at once
        except (Unauthenticated, AccountDisabled):
            session.replace(None, None)
            return None
        return user_id

    async def _token_user(self, session: Session) -> UUID | None:
        if not session.refresh_token:
            return None
        authenticate = self.services.authenticate()
        try:
            return authenticate(session.access_token)  # type: ignore[arg-type]
        except Unauthenticated:
            pass  # expired, most likely: refresh below
        try:
            tokens = await self.services.refresher(session.refresh_token, session.nonce)
        except (Unauthenticated, AccountDisabled):
            session.replace(None, None)  # revoked, expired or reused: the browser is logged out
            return None
        session.replace(tokens.access_token, tokens.refresh_token)
        return authenticate(tokens.access_token)


def tokens_of(raw: str) -> tuple[str | None, str | None]:
    access, separator, refresh = raw.partition(_SEPARATOR)
    return (access, refresh) if separator and access and refresh else (None, None)


def _cookies(session: Session, max_age: int, secure: bool) -> list[Cookie]:
    flags: dict[str, Any] = {"path": "/", "httponly": True, "samesite": "lax", "secure": secure}
    cookies = []
    if session.tokens_changed:
        if session.refresh_token:
            value = f"{session.access_token}{_SEPARATOR}{session.refresh_token}"
            cookies.append(Cookie(key=SESSION_COOKIE, value=value, max_age=max_age, **flags))
        else:
            cookies.append(Cookie(key=SESSION_COOKIE, value="", max_age=0, **flags))
    if session.nonce_changed:
        cookies.append(Cookie(key=NONCE_COOKIE, value=session.nonce, **flags))  # a browser-session cookie
    return cookies
