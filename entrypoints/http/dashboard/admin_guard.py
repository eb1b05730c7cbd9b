"""The admin area's guard: its pages do not exist for anyone but a signed-in admin, as the admin API answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Guard

from application.use_cases.admin.require_admin import RequireAdmin
from domain.errors import NotFound


def admin_pages_only(require_admin: Callable[[], RequireAdmin]) -> Guard:
    """Guard: a 404 page to visitors who are not signed in as an active admin (signed out included)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user_id = connection.scope.get("user")
        if user_id is None:
            raise NotFound("not found")  # not a login redirect: that would tell the area exists
        await require_admin()(user_id)

    return guard
