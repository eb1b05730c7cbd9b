"""The audit log in memory: append and page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from adapters.memory.state import newest_first_page
from domain.audit import AuditEntry
from domain.values import Page

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState


class MemoryAuditLogRepository:
    def __init__(self, state: MemoryState) -> None:
        self.state = state

    async def add(self, entry: AuditEntry) -> None:
        self.state.audit.append(entry)

    async def list(self, limit: int, cursor: str | None) -> Page[AuditEntry]:
        return newest_first_page(list(self.state.audit), limit, cursor)
