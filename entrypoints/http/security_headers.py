"""Security headers on every answer; the API docs may load their UI from a CDN, a checkout page Razorpay Checkout."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

STRICT_CSP = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
# A shared image opened on its own: the browser's image page fits it to the window with inline styles.
IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'"
# Swagger UI, Scalar and ReDoc are served from jsDelivr by Litestar's render plugins; ReDoc runs a blob: worker.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' data: https://fonts.gstatic.com https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; object-src 'none'"
)
# Only a page that opens Razorpay Checkout sends this (it overrides the default below): exactly the hosts Razorpay
# lists for Checkout in its own plugin's CSP allowlist (razorpay/razorpay-magento, etc/csp_whitelist.xml):
# checkout.js and the scripts it loads, its iframe, its telemetry, its images.
CHECKOUT_CSP = (
    "default-src 'self'; script-src 'self' https://checkout.razorpay.com https://cdn.razorpay.com; "
    "frame-src https://api.razorpay.com; "
    "connect-src 'self' https://lumberjack.razorpay.com https://lumberjack-metrics.razorpay.com; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https://cdn.razorpay.com; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
# Checkout opens bank and UPI pages in pop-ups that report back to their opener.
CHECKOUT_HEADERS = {"Content-Security-Policy": CHECKOUT_CSP, "Cross-Origin-Opener-Policy": "same-origin-allow-popups"}

async def security_headers(message: Message, scope: Scope) -> None:
    """A before-send hook: it sees every answer, error answers too, which route middleware never does."""
    if scope["type"] != "http" or message["type"] != "http.response.start":
        return
    docs = scope["path"].startswith("/docs")
    headers = MutableScopeHeaders(message)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else STRICT_CSP)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if scope.get("scheme") == "https":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
