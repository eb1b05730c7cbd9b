"""Rows to entities and back. Times are already aware UTC (tables.UtcDateTime); JSON holds plain dicts."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import RowMapping

from domain.credits import LedgerEntry, Reason
from domain.operations import parse_operation, to_dict
from domain.sessions import RefreshToken
from domain.tasks import Status, Task
from domain.users import User
from domain.values import ImageInfo


def row_of(entity: User | RefreshToken | LedgerEntry) -> dict[str, Any]:
    """Users, refresh tokens and ledger entries are stored field for field."""
    return {field.name: getattr(entity, field.name) for field in fields(entity)}


def ledger_row(entry: LedgerEntry) -> dict[str, Any]:
    return {**row_of(entry), "reason": entry.reason.value}


def to_user(row: RowMapping) -> User:
    return User(**row)


def to_refresh_token(row: RowMapping) -> RefreshToken:
    return RefreshToken(**row)


def to_ledger_entry(row: RowMapping) -> LedgerEntry:
    return LedgerEntry(**{**row, "reason": Reason(row["reason"])})


def task_row(task: Task) -> dict[str, Any]:
    return {
        "id": task.id,
        "owner_id": task.owner_id,
        "title": task.title,
        "metadata": task.metadata,
        "operations": [to_dict(operation) for operation in task.operations],
        "status": task.status.value,
        "source": task.source.to_dict(),
        "source_key": task.source_key,
        "result": task.result.to_dict() if task.result else None,
        "result_key": task.result_key,
        "error": task.error,
        "attempts": task.attempts,
        "lease_until": task.lease_until,
        "created_at": task.created_at,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
        "updated_at": task.updated_at,
        "idempotency_key": task.idempotency_key,
        "fingerprint": task.fingerprint,
    }


def to_task(row: RowMapping) -> Task:
    return Task(
        id=row["id"],
        owner_id=row["owner_id"],
        title=row["title"],
        metadata=row["metadata"],
        operations=tuple(parse_operation(raw) for raw in row["operations"]),
        source=ImageInfo.from_dict(row["source"]),
        source_key=row["source_key"],
        created_at=row["created_at"],
        status=Status(row["status"]),
        result=ImageInfo.from_dict(row["result"]) if row["result"] is not None else None,
        result_key=row["result_key"],
        error=row["error"],
        attempts=row["attempts"],
        lease_until=row["lease_until"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        updated_at=row["updated_at"],
        idempotency_key=row["idempotency_key"],
        fingerprint=row["fingerprint"],
    )
