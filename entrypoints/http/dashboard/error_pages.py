"""Error pages that keep the signed-in header: the viewer is read while the page streams.

Litestar calls exception handlers synchronously, so the page's body is an async generator that looks the user up
(the balance and e-mail in the header) before rendering. Outside the dashboard's routers (an unknown URL, a
method the route lacks) no middleware read the session, so the access token in the cookie is checked here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import MediaType, Request
from litestar.exceptions import HTTPException
from litestar.response import Response, Stream

from application.use_cases.account import GetMe
from application.use_cases.authenticate import Authenticate
from domain.errors import DomainError
from entrypoints.http.dashboard.csrf_tokens import make_token
from entrypoints.http.dashboard.session import NONCE_COOKIE, SESSION_COOKIE, tokens_of
from entrypoints.http.dashboard.views import render
from entrypoints.http.errors import http_error

NO_STORE = {"Cache-Control": "no-store"}
# Paths that are never dashboard pages: their errors stay problem+json.
NOT_PAGES = ("/api/", "/docs", "/health", "/metrics", "/assets/", "/sandbox/")
NOT_FOUND_TITLE = "Not found"
NOT_FOUND = "There is no page at this address. It may have been deleted, or the link may be mistyped."


@dataclass(frozen=True)
class ErrorPages:
    """Error pages, given by the app factory what they need: functions, so each page gets fresh use cases."""

    authenticate: Callable[[], Authenticate]
    get_me: Callable[[], GetMe]
    csrf_secret: str
    max_upload_bytes: int  # named on the page of a 413

    def page(
        self, request: Request[Any, Any, Any], status: int, title: str, detail: str, headers: dict[str, str] | None = None
    ) -> Stream:
        """The error page, with the header of whoever is signed in."""
        user_id = self._user_id(request)
        csrf = self._csrf(request, user_id)
        path = request.url.path
        get_me = self.get_me

        async def body() -> AsyncIterator[str]:
            viewer = None
            if user_id is not None:
                try:
                    viewer = await get_me()(user_id)
                except DomainError:
                    viewer = None
            yield render(
                "error.html.j2", viewer=viewer, csrf=csrf, notice=None, path=path, title=title, detail=detail, status=status
            )

        return Stream(body(), status_code=status, media_type=MediaType.HTML, headers={**NO_STORE, **(headers or {})})

    def routing_error(self, request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
        """App-level 404/405: a page for browsers on dashboard paths, problem+json for everything else."""
        if not wants_page(request):
            return http_error(request, exc)
        return self.page(request, 404, NOT_FOUND_TITLE, NOT_FOUND)

    def _user_id(self, request: Request[Any, Any, Any]) -> UUID | None:
        if "user" in request.scope:  # the dashboard's session middleware ran
            return request.scope.get("user")
        access, _ = tokens_of(request.cookies.get(SESSION_COOKIE, ""))
        if not access:
            return None
        try:
            return self.authenticate()(access)
        except DomainError:
            return None  # expired: the next dashboard page refreshes it

    def _csrf(self, request: Request[Any, Any, Any], user_id: UUID | None) -> str:
        session = request.scope.get("pixelmill.dashboard")  # type: ignore[call-overload]
        nonce = session.nonce if session is not None else request.cookies.get(NONCE_COOKIE, "")
        return make_token(self.csrf_secret, nonce, user_id)


def wants_page(request: Request[Any, Any, Any]) -> bool:
    """A browser asking for a page, not a client of the API."""
    return not request.url.path.startswith(NOT_PAGES) and "text/html" in request.headers.get("accept", "")
