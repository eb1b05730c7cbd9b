"""The ledger page: every credit movement with its reason and a link to its task or order."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from application.use_cases.account import ListLedger
from domain.users import User
from entrypoints.http.controllers.credits import Cursor
from entrypoints.http.dashboard.views import page
from entrypoints.http.dependencies import use_cases
from entrypoints.http.schemas.credits import LedgerPage

PAGE_SIZE = 25


class LedgerController(Controller):
    path = "/ledger"
    dependencies = use_cases("list_ledger")

    @get("/", summary="Ledger page")
    async def ledger(self, request: Request[Any, Any, Any], viewer: User, list_ledger: ListLedger, cursor: Cursor = None) -> Template:
        """A page of credit movements, newest first."""
        result = LedgerPage.of(await list_ledger(viewer.id, PAGE_SIZE, cursor))
        return page(request, "ledger.html.j2", viewer, entries=result.items, cursor=cursor, next_cursor=result.next_cursor)
