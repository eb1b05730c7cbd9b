"""Bearer-token authentication for /api/v1: every route needs it unless it opts out with `public`."""

from __future__ import annotations

from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.base import DefineMiddleware

from domain.errors import InvalidToken

PUBLIC = "public"


class BearerAuthentication(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        header = connection.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("send an access token as 'Authorization: Bearer <token>'")
        user_id = connection.app.state.container.authenticate()(token.strip())
        return AuthenticationResult(user=user_id, auth=token)


bearer_auth = DefineMiddleware(BearerAuthentication, exclude_from_auth_key=PUBLIC)


def current_user_id(request: Request) -> UUID:  # type: ignore[type-arg]
    """Dependency: the authenticated user's id."""
    return request.user  # type: ignore[no-any-return]
