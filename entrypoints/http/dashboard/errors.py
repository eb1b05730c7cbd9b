"""Errors on dashboard routes become pages in words (the API's own table decides the status), not problem+json."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from redis.exceptions import RedisError

from domain.errors import DomainError
from entrypoints.http.dashboard.session import LoginRequired
from entrypoints.http.dashboard.error_pages import error_page
from entrypoints.http.dashboard.views import filesize, see_other
from entrypoints.http.errors import domain_error, http_error, redis_unavailable, undecodable_text, unknown_charset, validation_error

log = logging.getLogger(__name__)

TITLES = {
    400: "That request did not work",
    403: "That form has expired",
    404: "Not found",
    409: "Not possible right now",
    413: "That upload is too large",
    415: "That file is not an image we can read",
    422: "Something in that request is not valid",
    429: "Slow down a little",
    503: "Pixelmill is briefly unavailable",
}


def _error_page(request: Request[Any, Any, Any], api: Response[dict[str, Any]]) -> Response[Any]:
    status = api.status_code
    detail = str(api.content["detail"])
    if status == 413:
        limit = request.app.state.container.settings().max_upload_bytes
        detail = f"An upload may be at most {filesize(limit)} in all. Choose a smaller image."
    title = TITLES.get(status, "Something went wrong")
    retry = {"Retry-After": api.headers["Retry-After"]} if "Retry-After" in api.headers else {}
    return error_page(request, status, title, detail, retry)


def login_required(request: Request[Any, Any, Any], _: LoginRequired) -> Response[Any]:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = urlencode({"next": target}) if request.method == "GET" and target != "/" else ""
    return see_other("/login" + (f"?{query}" if query else ""))


def domain_page(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return _error_page(request, domain_error(request, exc))


def http_page(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    return _error_page(request, http_error(request, exc))


def validation_page(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    return _error_page(request, validation_error(request, exc))


def redis_page(request: Request[Any, Any, Any], exc: RedisError) -> Response[Any]:
    return _error_page(request, redis_unavailable(request, exc))


def undecodable_page(request: Request[Any, Any, Any], exc: UnicodeError) -> Response[Any]:
    return _error_page(request, undecodable_text(request, exc))


def charset_page(request: Request[Any, Any, Any], exc: LookupError) -> Response[Any]:
    return _error_page(request, unknown_charset(request, exc))


def unexpected_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    detail = "An unexpected error happened on our side; it has been logged. Please try again."
    return error_page(request, 500, "Something went wrong", detail)


EXCEPTION_PAGES = {
    LoginRequired: login_required,
    DomainError: domain_page,
    ValidationException: validation_page,
    HTTPException: http_page,
    RedisError: redis_page,
    UnicodeError: undecodable_page,
    LookupError: charset_page,
    Exception: unexpected_page,
}
