"""Credit routes: balance and ledger."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.params import Parameter

from application.use_cases.account import GetBalance, ListLedger
from entrypoints.http.auth import SCOPE
from entrypoints.http.schemas.credits import BalanceOut, LedgerPage

Limit = Annotated[int, Parameter(ge=1, le=100, description="Page size, 1 to 100")]
Cursor = Annotated[str | None, Parameter(max_length=200, description="Opaque cursor from next_cursor")]


class CreditsController(Controller):
    path = "/credits"
    opt = {SCOPE: "credits"}  # API keys need credits:read
    tags = ["credits"]

    @get("/", summary="Current balance")
    async def balance(self, get_balance: GetBalance, user_id: UUID) -> BalanceOut:
        """The user's credits."""
        return BalanceOut(await get_balance(user_id))

    @get("/ledger", summary="Credit movements")
    async def ledger(self, list_ledger: ListLedger, user_id: UUID, limit: Limit = 20, cursor: Cursor = None) -> LedgerPage:
        """Every credit movement, newest first."""
        return LedgerPage.of(await list_ledger(user_id, limit, cursor))
