"""Rate limits with Litestar's middleware: per IP on signup and login, per user on task submission.

Handlers opt in with `opt={RATE_LIMIT: AUTH}` or `opt={RATE_LIMIT: SUBMIT}`. Each limit has its own store,
because Litestar keys a counter by identifier only and two limits sharing a store would share a counter.
"""

from __future__ import annotations

import hashlib
from typing import Any


from litestar import Request
from litestar.exceptions import TooManyRequestsException
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from entrypoints.settings import Settings

RATE_LIMIT = "rate_limit"
AUTH = "auth"
SUBMIT = "submit"
ACCOUNT = "account"
STORES = ("rl-auth", "rl-submit-burst", "rl-submit-sustained", "rl-account", "rl-reset-email")
RESET_EMAIL_STORE = "rl-reset-email"
RESET_EMAIL_WINDOW_SECONDS = 3600


def _user_or_ip(request: Request[Any, Any, Any]) -> str:
    user = request.scope.get("user")
    return f"user:{user}" if user else f"ip:{get_remote_address(request)}"


def _applies_to(kind: str, allowlist: frozenset[str]) -> Any:
    def check(request: Request[Any, Any, Any]) -> bool:
        if request.scope["route_handler"].opt.get(RATE_LIMIT) != kind:
            return False
        return str(request.scope.get("user")) not in allowlist and get_remote_address(request) not in allowlist

    return check


def rate_limit_middleware(settings: Settings) -> list[DefineMiddleware]:
    allowlist = frozenset(item.strip() for item in settings.rate_limit_allowlist.split(",") if item.strip())
    configs = [
        RateLimitConfig(
            rate_limit=("minute", settings.rate_limit_auth),
            store="rl-auth",
            check_throttle_handler=_applies_to(AUTH, allowlist),
        ),
        RateLimitConfig(
            rate_limit=("second", settings.rate_limit_submit_burst),
            store="rl-submit-burst",
            identifier_for_request=_user_or_ip,
            check_throttle_handler=_applies_to(SUBMIT, allowlist),
        ),
        RateLimitConfig(
            rate_limit=("minute", settings.rate_limit_submit_sustained),
            store="rl-submit-sustained",
            identifier_for_request=_user_or_ip,
            check_throttle_handler=_applies_to(SUBMIT, allowlist),
        ),
        RateLimitConfig(
            rate_limit=("minute", settings.rate_limit_account),
            store="rl-account",
            check_throttle_handler=_applies_to(ACCOUNT, allowlist),
        ),
    ]
    return [config.middleware for config in configs]


async def limit_per_key(request: Request[Any, Any, Any], store_name: str, key: str, limit: int, window: int) -> None:
    """A fixed window per key (an address, say) in a named store; raises 429 with Retry-After when it is used up."""
    store = request.app.stores.get(store_name)
    hashed = hashlib.sha256(key.encode()).hexdigest()  # addresses are not kept in Redis in clear
    count = int(await store.get(hashed) or 0) + 1
    remaining = await store.expires_in(hashed) if count > 1 else None
    await store.set(hashed, str(count), expires_in=remaining if remaining and remaining > 0 else window)
    if count > limit:
        retry = str(max(1, remaining or window))
        raise TooManyRequestsException("too many requests", headers={"Retry-After": retry, "RateLimit-Reset": retry})


def rate_limit_stores(settings: Settings) -> dict[str, Store]:
    """Shared through Redis when there is one (many API processes), in memory otherwise."""
    if settings.broker_url.startswith(("redis://", "rediss://")):
        return {name: _redis_store(settings, name) for name in STORES}
    return {name: MemoryStore() for name in STORES}


def _redis_store(settings: Settings, name: str) -> RedisStore:
    # Keys under the queue name, like every key of this deployment. A pooled connection that a restarted Redis
    # closed is retried at once rather than failing a request; a Redis that is away fails fast (503).
    client = Redis.from_url(
        settings.broker_url, retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2), socket_connect_timeout=3
    )
    return RedisStore(client, namespace=f"{settings.queue_name}:{name}", handle_client_shutdown=True)
