"""The audit log store: append and read, nothing else, so that no route can edit history."""

from __future__ import annotations

from typing import Protocol

from domain.audit import AuditEntry
from domain.values import Page


class AuditLogRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None:
        """Append one entry."""
        ...

    async def list(self, limit: int, cursor: str | None) -> Page[AuditEntry]:
        """Newest first; raises ValidationFailed on a bad cursor."""
        ...
