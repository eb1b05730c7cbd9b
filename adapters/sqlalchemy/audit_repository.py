"""The audit log in SQL: insert and page, no update or delete."""

from __future__ import annotations

from sqlalchemy import RowMapping, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import page
from adapters.sqlalchemy.tables import audit_log
from domain.audit import AuditAction, AuditEntry
from domain.values import Page


def _to_entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(**{**row, "action": AuditAction(row["action"])})


class SqlAuditLogRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, entry: AuditEntry) -> None:
        values = {
            "id": entry.id,
            "actor": entry.actor,
            "action": entry.action.value,
            "subject": entry.subject,
            "reason": entry.reason,
            "created_at": entry.created_at,
        }
        await self.session.execute(insert(audit_log).values(values))

    async def list(self, limit: int, cursor: str | None) -> Page[AuditEntry]:
        return await page(self.session, audit_log, select(audit_log), limit, cursor, _to_entry)
