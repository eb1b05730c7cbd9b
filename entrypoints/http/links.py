"""Absolute links start with PUBLIC_URL, never with the request's Host header (a client chooses that)."""

from __future__ import annotations

from typing import Any

from litestar import Request


def absolute_url(request: Request[Any, Any, Any], public_url: str, path: str) -> str:
    """`path` on this site's public origin; in development without one, the address the connection reached."""
    if public_url:
        return public_url.rstrip("/") + path
    # The socket's own address (ASGI `server`), which the Host header does not change.
    host, port = request.scope.get("server") or ("127.0.0.1", 80)
    scheme = request.scope.get("scheme", "http")
    default_port = {"http": 80, "https": 443}.get(scheme)
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"
