"""A request id per request (the caller's X-Request-ID when sane), bound to every log line, and an access log."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("pixelmill.access")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
QUIET_PATHS = ("/health", "/metrics")
_ANSWER = "pixelmill_answer"


def request_context(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if SANE_ID.match(incoming) else uuid.uuid4().hex
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
        state[_ANSWER] = {"request_id": request_id, "started": time.perf_counter()}
        try:
            await app(scope, receive, send)
        finally:
            structlog.contextvars.clear_contextvars()

    return middleware


async def tag_response(message: Message, scope: Scope) -> None:
    """A before-send hook, so that error answers (raised in or before middleware, answered outside it) get the
    X-Request-ID header and an access log line with their real status too."""
    answer: dict[str, Any] | None = scope.get("state", {}).get(_ANSWER)
    if answer is None:
        return
    if message["type"] == "http.response.start":
        answer["status"] = message["status"]
        MutableScopeHeaders(message)["X-Request-ID"] = answer["request_id"]
    elif message["type"] == "http.response.body" and not message.get("more_body") and "status" in answer:
        if not scope["path"].startswith(QUIET_PATHS):
            log.info(
                "request",
                request_id=answer["request_id"],
                method=scope["method"],
                path=scope["path"],
                status=answer.pop("status"),
                duration_ms=round((time.perf_counter() - answer["started"]) * 1000, 2),
            )
