"""Errors on dashboard routes become pages in words (the API's own table decides the status), not problem+json."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from domain.errors import DomainError
from entrypoints.http.dashboard.session import LoginRequired
from entrypoints.http.dashboard.error_pages import ErrorPages
from entrypoints.http.dashboard.views import filesize, see_other
from entrypoints.http.errors import domain_error, http_error, undecodable_text, unknown_charset, validation_error

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


def login_required(request: Request[Any, Any, Any], _: LoginRequired) -> Response[Any]:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = urlencode({"next": target}) if request.method == "GET" and target != "/" else ""
    return see_other("/login" + (f"?{query}" if query else ""))


def exception_pages(pages: ErrorPages) -> dict[type[Exception], Callable[..., Response[Any]]]:
    """The dashboard routers' exception handlers: the API's answer decides the status, the page says it in words."""

    def as_page(answer: Callable[[Request[Any, Any, Any], Any], Response[dict[str, Any]]]) -> Callable[..., Response[Any]]:
        def handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
            api = answer(request, exc)
            status = api.status_code
            detail = str(api.content["detail"])
            if status == 413:
                detail = f"An upload may be at most {filesize(pages.max_upload_bytes)} in all. Choose a smaller image."
            retry = {"Retry-After": api.headers["Retry-After"]} if "Retry-After" in api.headers else {}
            return pages.page(request, status, TITLES.get(status, "Something went wrong"), detail, retry)

        return handler

    def unexpected_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        detail = "An unexpected error happened on our side; it has been logged. Please try again."
        return pages.page(request, 500, "Something went wrong", detail)

    return {
        LoginRequired: login_required,
        DomainError: as_page(domain_error),
        ValidationException: as_page(validation_error),
        HTTPException: as_page(http_error),
        UnicodeError: as_page(undecodable_text),
        LookupError: as_page(unknown_charset),
        Exception: unexpected_page,
    }
