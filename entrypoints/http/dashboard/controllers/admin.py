"""The admin area: find users, one user's page (balance, disable/enable, credits, orders with a refund), the audit log.

Every change goes through the admin use cases, which write the audit row; the guard makes every page a 404 to
anyone but a signed-in admin.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.response import Redirect, Template

from application.use_cases.admin.audit import REASON_MAX, ListAudit
from application.use_cases.admin.credits import AdjustCredits
from application.use_cases.admin.refund_order import RefundOrder
from application.use_cases.admin.users import SEARCH_MAX, FindUsers, GetUser, SetAccountDisabled, UserEmails
from application.use_cases.billing.read_orders import GetOrder
from domain.audit import AuditAction, AuditEntry
from domain.errors import FieldError, OrderNotRefundable, RefundBeingSent, RefundNotSent, ValidationFailed
from domain.orders import OrderStatus
from domain.users import User
from entrypoints.http.controllers.credits import Cursor
from entrypoints.http.dashboard.admin_user_page import UserPageReads, provide_user_page_reads, user_page
from entrypoints.http.dashboard.form_fields import field
from entrypoints.http.dashboard.views import page, see_other

PATH = "/admin"
USERS_PAGE_SIZE = 25
AUDIT_PAGE_SIZE = 50
ORDERS_PAGE_SIZE = 25
DELTA_DIGITS = 9  # a million credits is the most one adjustment moves: longer input is refused, not parsed


ACTION_WORDS = {
    AuditAction.PROMOTE: "made admin",
    AuditAction.DISABLE: "disabled the account",
    AuditAction.ENABLE: "enabled the account",
    AuditAction.GRANT_CREDITS: "granted credits",
    AuditAction.DEBIT_CREDITS: "took credits",
    AuditAction.REFUND_ORDER: "refunded an order",
}


def _named(entries: list[AuditEntry]) -> set[UUID]:
    """The users an audit page names: actors and subjects that are user ids ("cli" is not)."""
    named = set()
    for name in {name for entry in entries for name in (entry.actor, entry.subject)}:
        try:
            named.add(UUID(name))
        except ValueError:
            continue
    return named


def _errors(exc: ValidationFailed, form: str) -> dict[str, str]:
    return {f"{form}.{error.field}": error.message for error in exc.errors}


def _delta(raw: str) -> int:
    text = raw.strip().replace("−", "-")  # a typographic minus, as the ledger prints it
    if not text.lstrip("+-").isdigit() or len(text) > DELTA_DIGITS + 1:
        raise ValidationFailed(FieldError("delta", "must be a whole number of credits, e.g. 50 or -20"))
    return int(text)


class AdminPagesController(Controller):
    path = PATH
    dependencies = {"reads": Provide(provide_user_page_reads, sync_to_thread=False)}

    @get("/", summary="Admin: users")
    async def users(
        self, request: Request[Any, Any, Any], viewer: User, find_users: FindUsers, email: str = "", cursor: Cursor = None
    ) -> Template:
        """Users whose address contains the search text, newest first, paged."""
        search = email[: SEARCH_MAX + 1]
        try:
            found = await find_users(search, USERS_PAGE_SIZE, cursor)
        except ValidationFailed as exc:
            errors = {e.field if e.field == "email" else "cursor": e.message for e in exc.errors}
            return page(request, "admin_users.html.j2", viewer, 422, users=[], search=search, errors=errors, cursor=None, next_cursor=None)
        return page(
            request, "admin_users.html.j2", viewer, users=found.items, search=search, errors={}, cursor=cursor,
            next_cursor=found.next_cursor,
        )

    @get("/users/{subject:uuid}", summary="Admin: one user")
    async def user(self, request: Request[Any, Any, Any], viewer: User, subject: UUID, reads: UserPageReads) -> Template:
        """Balance, state, recent ledger, tasks and orders, and the forms that act on the account."""
        return await user_page(request, viewer, subject, reads)

    @post("/users/{subject:uuid}/disable", summary="Admin: disable an account")
    async def disable(
        self, request: Request[Any, Any, Any], viewer: User, subject: UUID, set_account_disabled: SetAccountDisabled,
        reads: UserPageReads,
    ) -> Template | Redirect:
        """Every session and API key of the account is refused at once."""
        return await self._set_disabled(request, viewer, subject, set_account_disabled, reads, True)

    @post("/users/{subject:uuid}/enable", summary="Admin: enable an account")
    async def enable(
        self, request: Request[Any, Any, Any], viewer: User, subject: UUID, set_account_disabled: SetAccountDisabled,
        reads: UserPageReads,
    ) -> Template | Redirect:
        """The account's sessions and keys work again."""
        return await self._set_disabled(request, viewer, subject, set_account_disabled, reads, False)

    @post("/users/{subject:uuid}/credits", summary="Admin: grant or take credits")
    async def credits(
        self, request: Request[Any, Any, Any], viewer: User, subject: UUID, adjust_credits: AdjustCredits,
        reads: UserPageReads,
    ) -> Template | Redirect:
        """A positive number grants, a negative one takes back; never below a zero balance; a reason is required."""
        form = await request.form()
        entered = {"delta": field(form, "delta", DELTA_DIGITS + 2), "credits_reason": field(form, "reason", REASON_MAX + 1)}
        try:
            await adjust_credits(str(viewer.id), subject, _delta(entered["delta"]), entered["credits_reason"])
        except ValidationFailed as exc:
            return await user_page(request, viewer, subject, reads, _errors(exc, "credits"), entered, 422)
        return see_other(f"{PATH}/users/{subject}?notice=credits-adjusted")

    @get("/users/{subject:uuid}/orders", summary="Admin: a user's orders")
    async def orders(
        self, request: Request[Any, Any, Any], viewer: User, subject: UUID, reads: UserPageReads, cursor: Cursor = None
    ) -> Template:
        """Every order of the user, newest first, paged, each paid one with its refund button."""
        user = await reads.get_user(subject)
        try:
            found = await reads.list_orders(user.id, ORDERS_PAGE_SIZE, cursor)
        except ValidationFailed:
            return page(request, "admin_orders.html.j2", viewer, 422, subject=user, orders=[], bad_cursor=True,
                        cursor=None, next_cursor=None, paid=OrderStatus.PAID)
        return page(request, "admin_orders.html.j2", viewer, subject=user, orders=found.items, cursor=cursor,
                    next_cursor=found.next_cursor, paid=OrderStatus.PAID)

    @get("/users/{subject:uuid}/orders/{order_id:uuid}/refund", summary="Admin: confirm an order's refund")
    async def refund_page(
        self, request: Request[Any, Any, Any], viewer: User, subject: UUID, order_id: UUID, get_user: GetUser,
        get_order: GetOrder,
    ) -> Template:
        """The confirm step: what the refund takes back, and a reason to give."""
        return await _refund_page(request, viewer, await get_user(subject), await get_order(subject, order_id))

    @post("/users/{subject:uuid}/orders/{order_id:uuid}/refund", summary="Admin: refund an order's credits")
    async def refund(
        self, request: Request[Any, Any, Any], viewer: User, subject: UUID, order_id: UUID, get_user: GetUser,
        get_order: GetOrder, refund_order: RefundOrder,
    ) -> Template | Redirect:
        """Takes the order's credits back once and returns the money through the gateway (asking again retries it)."""
        user, order = await get_user(subject), await get_order(subject, order_id)  # 404 unless the order is theirs
        reason = field(await request.form(), "reason", REASON_MAX + 1)
        try:
            await refund_order(str(viewer.id), order.id, reason)
        except ValidationFailed as exc:
            return await _refund_page(request, viewer, user, order, _errors(exc, "refund"), reason, 422)
        except (OrderNotRefundable, RefundBeingSent) as exc:
            return await _refund_page(request, viewer, user, order, {"refund.order": exc.detail}, reason, 409)
        except RefundNotSent as exc:
            return await _refund_page(request, viewer, user, order, {"money": exc.detail}, reason, 502)
        return see_other(f"{PATH}/users/{subject}?notice=order-refunded")

    @get("/audit", summary="Admin: audit log")
    async def audit(
        self, request: Request[Any, Any, Any], viewer: User, list_audit: ListAudit, user_emails: UserEmails, cursor: Cursor = None
    ) -> Template:
        """Every operator's action, newest first, paged, with addresses for the ids; nothing here edits it."""
        try:
            found = await list_audit(AUDIT_PAGE_SIZE, cursor)
        except ValidationFailed:
            return page(request, "admin_audit.html.j2", viewer, 422, entries=[], bad_cursor=True, cursor=None, next_cursor=None)
        return page(
            request, "admin_audit.html.j2", viewer, entries=found.items, cursor=cursor, next_cursor=found.next_cursor,
            actions=ACTION_WORDS, emails={str(k): v for k, v in (await user_emails(_named(found.items))).items()},
        )

    async def _set_disabled(
        self, request: Request[Any, Any, Any], viewer: User, subject: UUID, set_account_disabled: SetAccountDisabled,
        reads: UserPageReads, disabled: bool,
    ) -> Template | Redirect:
        reason = field(await request.form(), "reason", REASON_MAX + 1)
        try:
            await set_account_disabled(viewer.id, subject, disabled, reason)
        except ValidationFailed as exc:
            return await user_page(request, viewer, subject, reads, _errors(exc, "status"), {"status_reason": reason}, 422)
        return see_other(f"{PATH}/users/{subject}?notice={'user-disabled' if disabled else 'user-enabled'}")


async def _refund_page(
    request: Request[Any, Any, Any], viewer: User, user: User, order: Any, errors: dict[str, str] | None = None,
    reason: str = "", status_code: int = 200,
) -> Template:
    return page(request, "admin_refund.html.j2", viewer, status_code, subject=user, order=order, errors=errors or {}, reason=reason)
