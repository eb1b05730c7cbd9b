"""CSRF protection of the dashboard's forms: a signed double-submit token.

A random nonce lives in an HttpOnly cookie; each form carries HMAC(nonce, user) under a key derived from the
server's secret. A cross-site page can neither read the cookie nor compute the HMAC, and a token made for one
user (or for nobody, on the login form) is worthless once someone else is logged in.
"""

from __future__ import annotations

import hashlib
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


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"pixelmill dashboard csrf", hashlib.sha256).digest()


def make_token(secret: str, nonce: str, user_id: object) -> str:
    message = f"{nonce}:{user_id or '-'}".encode()
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def token_for(request: Request[Any, Any, Any]) -> str:
    """The token this request's forms must send back."""
    secret = request.app.state.container.settings().jwt_secret
    return make_token(secret, session_of(request).nonce, request.scope.get("user"))


async def verify_csrf(request: Request[Any, Any, Any]) -> None:
    """before_request hook: every unsafe method needs the token, in the form or in the X-CSRF-Token header."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(HEADER) or (await request.form()).get(FIELD) or ""
    if not isinstance(sent, str) or not hmac.compare_digest(sent, token_for(request)):
        raise CsrfRejected("this form has expired or did not come from Pixelmill; reload the page and try again")
