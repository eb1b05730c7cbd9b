"""ExportAccount: everything a person has here, to take away: the account, tasks, ledger and orders, and the images."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.use_cases.accounts.ensure_active import refuse_inactive
from application.use_cases.common import UowFactory
from domain.credits import LedgerEntry
from domain.errors import NotFound
from domain.orders import Order
from domain.tasks import Task, result_key
from domain.users import User
from domain.values import Page

T = TypeVar("T")
PAGE = 100
MAX_ROWS = 100_000  # per kind: an export stays a bounded piece of work


@dataclass(frozen=True)
class AccountExport:
    user: User
    tasks: list[Task]
    ledger: list[LedgerEntry]
    orders: list[Order]


class ExportAccount:
    def __init__(self, uow: UowFactory, storage: BlobStorage) -> None:
        self.uow = uow
        self.storage = storage

    async def __call__(self, user_id: UUID) -> AccountExport:
        """Raises InvalidToken when the account is gone."""
        async with self.uow() as uow:
            user = refuse_inactive(await uow.users.get(user_id))
        tasks = await self._all(lambda uow, cursor: uow.tasks.list(user_id, None, PAGE, cursor))
        ledger = await self._all(lambda uow, cursor: uow.credits.ledger(user_id, PAGE, cursor))
        orders = await self._all(lambda uow, cursor: uow.orders.list(user_id, PAGE, cursor))
        return AccountExport(user, tasks, ledger, orders)

    async def images(self, tasks: list[Task]) -> AsyncIterator[tuple[str, bytes]]:
        """(file name, bytes) of each source and result still stored, read one at a time."""
        for task in tasks:
            files = [(f"{task.id}-source.{task.source.format.lower()}", task.source_key)]
            if task.result is not None:
                files.append((f"{task.id}-result.{task.result.format.lower()}", result_key(task.id)))
            for name, key in files:
                try:
                    yield name, await self.storage.get(key)
                except NotFound:
                    continue  # no result yet, or deleted meanwhile

    async def _all(self, page: Callable[..., Awaitable[Page[T]]]) -> list[T]:
        found: list[T] = []
        cursor: str | None = None
        while len(found) < MAX_ROWS:
            async with self.uow() as uow:
                current = await page(uow, cursor)
            found.extend(current.items)
            cursor = current.next_cursor
            if cursor is None:
                break
        return found[:MAX_ROWS]
