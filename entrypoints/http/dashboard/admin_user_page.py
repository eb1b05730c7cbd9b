"""The admin's page of one user: what it reads, and how a form's error comes back on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.response import Template

from application.use_cases.account import ListLedger
from application.use_cases.admin.audit import REASON_MAX
from application.use_cases.admin.credits import DELTA_MAX
from application.use_cases.admin.users import GetUser
from application.use_cases.billing.read_orders import ListOrders
from application.use_cases.read_tasks import ListTasks
from domain.orders import OrderStatus
from domain.users import User
from entrypoints.http.dashboard.views import page

RECENT = 10  # rows of each list on the page; the API pages through all of them


@dataclass(frozen=True)
class UserPageReads:
    get_user: GetUser
    list_ledger: ListLedger
    list_orders: ListOrders
    list_tasks: ListTasks


def provide_user_page_reads(
    get_user: GetUser, list_ledger: ListLedger, list_orders: ListOrders, list_tasks: ListTasks
) -> UserPageReads:
    """Dependency: the four reads of the user page, so each handler that may show it asks for one thing."""
    return UserPageReads(get_user, list_ledger, list_orders, list_tasks)


async def user_page(
    request: Request[Any, Any, Any],
    viewer: User,
    subject_id: UUID,
    reads: UserPageReads,
    errors: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    """Raises UserNotFound (a 404 page)."""
    subject = await reads.get_user(subject_id)
    orders = await reads.list_orders(subject.id, RECENT, None)
    return page(
        request, "admin_user.html.j2", viewer, status_code,
        subject=subject,
        ledger=(await reads.list_ledger(subject.id, RECENT, None)).items,
        orders=orders.items,
        more_orders=orders.next_cursor is not None,
        tasks=(await reads.list_tasks(subject.id, None, RECENT, None)).items,
        paid=OrderStatus.PAID,
        errors=errors or {},
        entered=entered or {},
        reason_max=REASON_MAX,
        delta_max=DELTA_MAX,
    )
