"""Every error becomes an RFC 9457 problem+json answer; the table from error type to status lives here only."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from domain import errors as e

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
TYPE_BASE = "https://pixelmill.dev/problems/"
RETRY_UNAVAILABLE = {"Retry-After": "5"}  # a dependency that is down is worth a retry in a few seconds

# Most specific first: the first matching base class wins.
_STATUS: list[tuple[type[e.DomainError], int, str]] = [
    (e.ValidationFailed, 422, "validation"),
    (e.EmailTaken, 409, "email-taken"),
    (e.IdempotencyKeyReused, 409, "idempotency-key-reused"),
    (e.ResultNotReady, 409, "result-not-ready"),
    (e.TooManyApiKeys, 409, "too-many-api-keys"),
    (e.TooManyShareLinks, 409, "too-many-share-links"),
    (e.PresetNameTaken, 409, "preset-name-taken"),
    (e.TooManyPresets, 409, "too-many-presets"),
    (e.TooManyWebhookEndpoints, 409, "too-many-webhook-endpoints"),
    (e.PaymentNotCaptured, 409, "payment-not-captured"),
    (e.OrderNotRefundable, 409, "order-not-refundable"),
    (e.RefundBeingSent, 409, "refund-being-sent"),
    (e.Conflict, 409, "conflict"),
    (e.NotFound, 404, "not-found"),
    (e.InsufficientCredits, 402, "insufficient-credits"),
    (e.Unauthenticated, 401, "unauthenticated"),
    (e.AccountDisabled, 403, "account-disabled"),
    (e.Forbidden, 403, "forbidden"),
    (e.UnsupportedImage, 415, "unsupported-image"),
    (e.PayloadTooLarge, 413, "payload-too-large"),
    (e.InvalidSignature, 400, "invalid-signature"),
    (e.LinkTokenInvalid, 400, "invalid-link-token"),
    (e.BadRequest, 400, "bad-request"),
    (e.RefundNotSent, 502, "refund-not-sent"),
    (e.GatewayFailed, 502, "gateway-failed"),
    (e.DependencyUnavailable, 503, "unavailable"),
]


def problem(
    status: int, detail: str, kind: str | None = None, errors: list[dict[str, str]] | None = None, headers: dict[str, str] | None = None
) -> Response[dict[str, Any]]:
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": TYPE_BASE + (kind or title.lower().replace(" ", "-")),
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    return Response(body, status_code=status, media_type=PROBLEM, headers={**extra, **(headers or {})})


def domain_error(request: Request[Any, Any, Any], exc: e.DomainError) -> Response[dict[str, Any]]:
    for error_type, status, kind in _STATUS:
        if isinstance(exc, error_type):
            # ValidationFailed's fields (none for a value the database refused), or the file of a batch
            named = exc.errors if isinstance(exc, e.ValidationFailed) else getattr(exc, "errors", None) or None
            fields = [{"field": f.field, "message": f.message} for f in named] if named is not None else None
            if status == 503:
                log.warning("unavailable on %s %s: %s", request.method, request.url.path, exc.detail)
            return problem(status, exc.detail, kind, fields, RETRY_UNAVAILABLE if status == 503 else None)
    return problem(400, exc.detail)


def validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    """Litestar's own validation: a body that parsed but breaks the schema is 422; broken multipart is 400."""
    if "multipart" in str(exc.detail).lower() or "boundary" in str(exc.detail).lower():
        return problem(400, "the multipart body is malformed", "bad-request")
    fields = [
        {"field": str(item.get("key") or item.get("source") or "body"), "message": str(item.get("message"))}
        for item in (exc.extra if isinstance(exc.extra, list) else [])
        if isinstance(item, dict)
    ]
    return problem(422, "the request does not match the schema", "validation", fields)


def http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    detail = exc.detail if status < 500 else "the server could not answer"
    if status == 400 and "json" in str(exc.detail).lower():
        detail = "the JSON body is malformed"
    headers = dict(exc.headers or {})
    if status == 429:
        headers["Retry-After"] = str(max(1, int(headers.get("RateLimit-Reset", "1"))))
        detail = "too many requests; retry after the number of seconds in Retry-After"
    return problem(status, str(detail), headers=headers)


def undecodable_text(_: Request[Any, Any, Any], exc: UnicodeError) -> Response[dict[str, Any]]:
    """Bytes that are not UTF-8 (or the charset a form part names) are a malformed body: 400, as for bad JSON."""
    return problem(400, "a text field of the body is not valid UTF-8", "bad-request")


def unknown_charset(request: Request[Any, Any, Any], exc: LookupError) -> Response[dict[str, Any]]:
    """A form part naming a charset Python does not know is malformed too; any other LookupError is a bug."""
    if str(exc).startswith("unknown encoding"):
        return problem(400, "a text field of the body names an unknown charset", "bad-request")
    return unexpected_error(request, exc)


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "an unexpected error happened; it has been logged", "internal")


EXCEPTION_HANDLERS = {
    e.DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    UnicodeError: undecodable_text,
    LookupError: unknown_charset,
    Exception: unexpected_error,
}
