"""Security headers on every answer; the API docs page may load its UI from a CDN, the buy page Razorpay Checkout."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

STRICT_CSP = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
# Swagger UI, Scalar and ReDoc are served from jsDelivr by Litestar's render plugins; ReDoc runs a blob: worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' data: https://fonts.gstatic.com https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; object-src 'none'"
)
# The dashboard's buy page opens Razorpay Checkout: its script from Razorpay at run time, its iframe, its calls.
BUY_CSP = (
    "default-src 'self'; script-src 'self' https://checkout.razorpay.com; "
    "frame-src https://api.razorpay.com https://checkout.razorpay.com; "
    "connect-src 'self' https://api.razorpay.com https://lumberjack.razorpay.com; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https://cdn.razorpay.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


async def security_headers(message: Message, scope: Scope) -> None:
    """A before-send hook: it sees every answer, error answers too, which route middleware never does."""
    if scope["type"] != "http" or message["type"] != "http.response.start":
        return
    docs = scope["path"].startswith("/docs")
    buy = scope["path"] == "/buy" or scope["path"].startswith("/buy/")
    headers = MutableScopeHeaders(message)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else BUY_CSP if buy else STRICT_CSP)
    # Checkout opens bank and UPI pages in pop-ups that report back to their opener.
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin-allow-popups" if buy else "same-origin")
    if scope.get("scheme") == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
