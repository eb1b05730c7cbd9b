"""Rate limits: per IP on signup and login, per user on task submission, per address on reset mails.

Handlers opt in with `opt={RATE_LIMIT: AUTH}` or `opt={RATE_LIMIT: SUBMIT}`. Each request that a limit applies to
costs one call to the app's limiter (one Redis round trip with every limit of its kind checked and counted
together, no lock), kept on `app.state` so that every router of the app shares the same counters. The container
chooses the limiter (in memory, or on its Redis client, which it closes).
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import get_remote_address
from litestar.types import ASGIApp, Receive, Scope, Send

from adapters.ratelimit.memory import MemoryRateLimiter
from adapters.ratelimit.redis import RedisRateLimiter
from adapters.ratelimit.window import Limit
from entrypoints.settings import Settings

RATE_LIMIT = "rate_limit"
AUTH = "auth"
SUBMIT = "submit"
ACCOUNT = "account"
LIMITER = "rate_limiter"  # the key on app.state
RESET_EMAIL_STORE = "reset-email"
RESET_EMAIL_WINDOW_SECONDS = 3600

RateLimiter = MemoryRateLimiter | RedisRateLimiter


def _limits(settings: Settings) -> dict[str, tuple[Limit, ...]]:
    return {
        AUTH: (Limit("auth", settings.rate_limit_auth, 60),),
        SUBMIT: (
            Limit("submit-burst", settings.rate_limit_submit_burst, 1),
            Limit("submit-sustained", settings.rate_limit_submit_sustained, 60),
        ),
        ACCOUNT: (Limit("account", settings.rate_limit_account, 60),),
    }


def _identifier(kind: str, request: Request[Any, Any, Any]) -> str:
    user = request.scope.get("user") if kind == SUBMIT else None  # submissions count per user, the rest per address
    return f"user:{user}" if user else f"ip:{get_remote_address(request)}"


def _raise_429(wait: int) -> None:
    retry = str(wait)
    raise TooManyRequestsException("too many requests", headers={"Retry-After": retry, "RateLimit-Reset": retry})


class _RateLimited:
    def __init__(self, app: ASGIApp, limits: dict[str, tuple[Limit, ...]], allowlist: frozenset[str]) -> None:
        self.app = app
        self.limits = limits
        self.allowlist = allowlist

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["route_handler"].opt.get(RATE_LIMIT) if scope["type"] == "http" else None
        if kind in self.limits:
            request: Request[Any, Any, Any] = Request(scope)
            if str(scope.get("user")) not in self.allowlist and get_remote_address(request) not in self.allowlist:
                limiter: RateLimiter = scope["litestar_app"].state[LIMITER]
                if wait := await limiter.hit(_identifier(kind, request), self.limits[kind]):
                    _raise_429(wait)
        await self.app(scope, receive, send)


def rate_limit_middleware(settings: Settings) -> list[DefineMiddleware]:
    allowlist = frozenset(item.strip() for item in settings.rate_limit_allowlist.split(",") if item.strip())
    return [DefineMiddleware(_RateLimited, limits=_limits(settings), allowlist=allowlist)]


async def limit_per_key(request: Request[Any, Any, Any], name: str, key: str, limit: int, window: int) -> None:
    """A sliding window per key (an address, say) under a name; raises 429 with Retry-After when it is used up."""
    hashed = hashlib.sha256(key.encode()).hexdigest()  # addresses are not kept in Redis in clear
    limiter: RateLimiter = request.app.state[LIMITER]
    if wait := await limiter.hit(hashed, (Limit(name, limit, window),)):
        _raise_429(wait)
