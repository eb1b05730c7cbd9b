"""A small HTTP client of the Pixelmill API: problem+json answers become one-line errors."""

from __future__ import annotations

from typing import Any

import httpx

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=5.0)


class ApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{detail} (HTTP {status})" if status else detail)
        self.status = status


class Client:
    def __init__(self, url: str, token: str | None = None) -> None:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=url, headers=headers, timeout=TIMEOUT, follow_redirects=False)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ApiError(0, f"cannot reach {self.http.base_url}: {exc}") from None
        if response.status_code >= 400:
            raise ApiError(response.status_code, _detail(response))
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.call(method, path, **kwargs).json()


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    detail = str(body.get("detail") or body.get("title") or response.reason_phrase)
    fields = body.get("errors") or []
    if fields:
        detail += " — " + "; ".join(f"{e.get('field')}: {e.get('message')}" for e in fields[:5])
    return detail
