"""Bearer authentication for /api/v1: every route needs it unless it opts out with `public`.

The credential is an access token or an API key; both become a Principal. An API key is held to the scope a
route declares with `opt={SCOPE: ...}`; a route that declares none (keys, webhook endpoints, the account) refuses
keys altogether, so a route added later is closed to keys until someone decides otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware
from litestar.types import ASGIApp

from application.use_cases.accounts.ensure_active import EnsureActive
from application.use_cases.resolve_bearer import ResolveBearer
from domain.api_keys import Principal, Scope
from domain.errors import ApiKeyNotAllowed, InvalidToken, MissingScope

PUBLIC = "public"
# A Scope, or a family ("tasks", "credits", "billing"): read for GET and HEAD, write for any other method.
SCOPE = "scope"
READ_METHODS = {"GET", "HEAD"}


class BearerAuthentication(AbstractAuthenticationMiddleware):
    def __init__(
        self,
        app: ASGIApp,
        resolve_bearer: Callable[[], ResolveBearer],
        ensure_active: Callable[[], EnsureActive],
        **options: Any,
    ) -> None:
        super().__init__(app, **options)
        self.resolve_bearer = resolve_bearer
        self.ensure_active = ensure_active

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("send an access token or an API key as 'Authorization: Bearer <token>'")
        principal: Principal = await self.resolve_bearer()(token.strip())
        await self.ensure_active()(principal.user_id)  # disabled or deleted: every token and key refused at once
        return AuthenticationResult(user=principal.user_id, auth=principal)


def bearer_auth(resolve_bearer: Callable[[], ResolveBearer], ensure_active: Callable[[], EnsureActive]) -> DefineMiddleware:
    """The middleware, given the container's providers: each request gets fresh use cases (and tests' overrides)."""
    # Functions, not the providers themselves: Litestar may copy middleware options, and a copied provider
    # would bring copies of what it was given (a test's in-memory database, say).
    return DefineMiddleware(
        BearerAuthentication,
        resolve_bearer=lambda: resolve_bearer(),
        ensure_active=lambda: ensure_active(),
        exclude_from_auth_key=PUBLIC,
    )


def required_scope(declared: object, method: str) -> Scope | None:
    """The scope a request needs, or None when API keys may not make it at all."""
    if isinstance(declared, Scope):
        return declared
    if isinstance(declared, str):
        wanted = f"{declared}:{'read' if method.upper() in READ_METHODS else 'write'}"
        return Scope(wanted) if wanted in Scope._value2member_map_ else None
    return None


async def scope_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    """Raises ApiKeyNotAllowed or MissingScope for an API key outside its scopes; logins pass.

    A coroutine though it awaits nothing: Litestar runs a plain function guard on a worker thread, a hand-off
    that cost more than the check itself on every API request."""
    principal = connection.scope.get("auth")
    if not isinstance(principal, Principal) or not principal.is_api_key:
        return
    scope = required_scope(handler.opt.get(SCOPE), connection.scope.get("method", "GET"))
    if scope is None:
        raise ApiKeyNotAllowed()
    if not principal.allows(scope):
        raise MissingScope(f"this API key lacks the scope {scope.value}")


def current_user_id(request: Request) -> UUID:  # type: ignore[type-arg]
    """Dependency: the authenticated user's id."""
    return request.user  # type: ignore[no-any-return]
