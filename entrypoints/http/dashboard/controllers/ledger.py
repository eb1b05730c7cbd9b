"""The ledger page: every credit movement with its reason and a link to its task or order."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from application.use_cases.account import ListLedger
from domain.users import User
from entrypoints.http.controllers.credits import Cursor
from entrypoints.http.dashboard.charts import balance_chart
from entrypoints.http.dashboard.views import page
from entrypoints.http.schemas.credits import LedgerPage

PAGE_SIZE = 25
CHART_ENTRIES = 100  # the chart shows the latest movements, at most this many


class LedgerController(Controller):
    path = "/ledger"

    @get("/", summary="Ledger page")
    async def ledger(self, request: Request[Any, Any, Any], viewer: User, list_ledger: ListLedger, cursor: Cursor = None) -> Template:
        """A page of credit movements, newest first."""
        result = LedgerPage.of(await list_ledger(viewer.id, PAGE_SIZE, cursor))
        chart = None
        if cursor is None:  # the first page: the picture of how the balance moved
            latest = list(reversed((await list_ledger(viewer.id, CHART_ENTRIES, None)).items))
            if latest:
                start = (latest[0].created_at, latest[0].balance_after - latest[0].delta)
                chart = balance_chart([start, *((e.created_at, e.balance_after) for e in latest)])
        return page(request, "ledger.html.j2", viewer, entries=result.items, cursor=cursor, next_cursor=result.next_cursor,
                    chart=chart)
