"""A new secret shown once: it crosses the redirect in a cookie that only its page reads, once, within a minute."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie

SHOWN_WITHIN_SECONDS = 60


@dataclass(frozen=True)
class ShownOnce:
    cookie: str
    path: str  # the page's own path: no other page receives the cookie

    def carry(self, redirect: Response[Any], secret: str) -> None:
        """Onto the redirect to the page."""
        redirect.cookies.append(self._cookie(secret, SHOWN_WITHIN_SECONDS))

    def read(self, request: Request[Any, Any, Any]) -> str | None:
        return request.cookies.get(self.cookie)

    def spend(self, page: Response[Any]) -> None:
        """On the page that showed it: a reload no longer has it."""
        page.cookies.append(self._cookie("", 0))

    def _cookie(self, value: str, max_age: int) -> Cookie:
        return Cookie(key=self.cookie, value=value, max_age=max_age, path=self.path, httponly=True, samesite="strict")
