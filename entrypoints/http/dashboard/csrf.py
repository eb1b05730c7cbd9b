"""CSRF protection of the dashboard's forms: a signed double-submit token.

A random nonce lives in an HttpOnly cookie; each form carries HMAC(nonce, user) under a key derived from the
server's secret (csrf_tokens.py). A cross-site page can neither read the cookie nor compute the HMAC, and a token
made for one user (or for nobody, on the login form) is worthless once someone else is logged in.
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request
from litestar.exceptions import PermissionDeniedException

from entrypoints.http.dashboard.session import session_of

FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(PermissionDeniedException):
    """A form came without this browser's CSRF token."""


def token_for(request: Request[Any, Any, Any]) -> str:
    """The token this request's forms must send back (the session middleware made it, knowing the user)."""
    return session_of(request).csrf_token


async def verify_csrf(request: Request[Any, Any, Any]) -> None:
    """before_request hook: every unsafe method needs the token, in the form or in the X-CSRF-Token header."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(HEADER) or (await request.form()).get(FIELD) or ""
    if not isinstance(sent, str) or not hmac.compare_digest(sent, token_for(request)):
        raise CsrfRejected("this form has expired or did not come from Pixelmill; reload the page and try again")
