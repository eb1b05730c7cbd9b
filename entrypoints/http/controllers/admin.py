"""Admin routes under /api/v1/admin: 404 to anyone but an admin (API keys included), every change audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from litestar import Controller, get, post
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT
from litestar.types import Guard

from application.use_cases.account import ListLedger
from application.use_cases.admin.audit import ListAudit
from application.use_cases.admin.credits import AdjustCredits
from application.use_cases.admin.refund_order import RefundOrder
from application.use_cases.admin.require_admin import RequireAdmin
from application.use_cases.admin.users import FindUsers, GetUser, SetAccountDisabled
from application.use_cases.billing.read_orders import ListOrders
from application.use_cases.read_tasks import ListTasks
from domain.api_keys import Principal
from domain.errors import NotFound
from entrypoints.http.controllers.credits import Cursor, Limit
from entrypoints.http.schemas.admin import AdminUserOut, AdminUserPage, AuditPage, CreditsBody, OrderRefundOut, ReasonBody
from entrypoints.http.schemas.billing import OrderPage
from entrypoints.http.schemas.credits import LedgerEntryOut, LedgerPage
from entrypoints.http.schemas.tasks import TaskPage


def admins_only(require_admin: Callable[[], RequireAdmin]) -> Guard:
    """Guard: the routes do not exist for anyone but an admin logged in (an API key never administers)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal = connection.scope.get("auth")
        if isinstance(principal, Principal) and principal.is_api_key:
            raise NotFound("not found")
        await require_admin()(connection.user)

    return guard


class AdminController(Controller):
    path = "/admin"
    tags = ["admin"]

    @get("/users", summary="Find users")
    async def users(self, find_users: FindUsers, email: str = "", limit: Limit = 20, cursor: Cursor = None) -> AdminUserPage:
        """Users whose address contains `email` (all without it), newest first."""
        return AdminUserPage.of(await find_users(email, limit, cursor))

    @get("/users/{subject:uuid}", summary="One user")
    async def user(self, get_user: GetUser, subject: UUID) -> AdminUserOut:
        """The user with balance, flags and dates."""
        return AdminUserOut.of(await get_user(subject))

    @get("/users/{subject:uuid}/ledger", summary="A user's ledger")
    async def ledger(
        self, get_user: GetUser, list_ledger: ListLedger, subject: UUID, limit: Limit = 20, cursor: Cursor = None
    ) -> LedgerPage:
        """Every credit movement of the user, newest first."""
        await get_user(subject)
        return LedgerPage.of(await list_ledger(subject, limit, cursor))

    @get("/users/{subject:uuid}/tasks", summary="A user's tasks")
    async def tasks(
        self, get_user: GetUser, list_tasks: ListTasks, subject: UUID, limit: Limit = 20, cursor: Cursor = None
    ) -> TaskPage:
        """The user's tasks, newest first."""
        await get_user(subject)
        return TaskPage.of(await list_tasks(subject, None, limit, cursor))

    @get("/users/{subject:uuid}/orders", summary="A user's orders")
    async def orders(
        self, get_user: GetUser, list_orders: ListOrders, subject: UUID, limit: Limit = 20, cursor: Cursor = None
    ) -> OrderPage:
        """The user's orders, newest first."""
        await get_user(subject)
        return OrderPage.of(await list_orders(subject, limit, cursor))

    @post("/users/{subject:uuid}/disable", status_code=HTTP_204_NO_CONTENT, summary="Disable an account")
    async def disable(self, data: ReasonBody, set_account_disabled: SetAccountDisabled, subject: UUID, user_id: UUID) -> None:
        """Every token and API key of the account answers 403 at once, on every process."""
        await set_account_disabled(user_id, subject, True, data.reason)

    @post("/users/{subject:uuid}/enable", status_code=HTTP_204_NO_CONTENT, summary="Enable an account")
    async def enable(self, data: ReasonBody, set_account_disabled: SetAccountDisabled, subject: UUID, user_id: UUID) -> None:
        """The account's tokens and keys work again."""
        await set_account_disabled(user_id, subject, False, data.reason)

    @post("/users/{subject:uuid}/credits", status_code=HTTP_201_CREATED, summary="Grant or take credits")
    async def credits(self, data: CreditsBody, adjust_credits: AdjustCredits, subject: UUID, user_id: UUID) -> LedgerEntryOut:
        """An admin_grant (delta > 0) or admin_debit (delta < 0) ledger row; never below a zero balance."""
        return LedgerEntryOut.of(await adjust_credits(str(user_id), subject, data.delta, data.reason))

    @post("/orders/{order_id:uuid}/refund", status_code=HTTP_201_CREATED, summary="Refund an order's credits")
    async def refund(self, data: ReasonBody, refund_order: RefundOrder, order_id: UUID, user_id: UUID) -> OrderRefundOut:
        """Takes back a paid order's credits once (never below zero); the money is refunded at the gateway."""
        return OrderRefundOut.of(await refund_order(str(user_id), order_id, data.reason))

    @get("/audit", summary="The audit log")
    async def audit(self, list_audit: ListAudit, limit: Limit = 20, cursor: Cursor = None) -> AuditPage:
        """Every operator's action, newest first; no route edits it."""
        return AuditPage.of(await list_audit(limit, cursor))
