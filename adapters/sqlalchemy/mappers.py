"""Rows to entities and back: columns are named as fields; enums, operations and images need converting.

Times need nothing: tables.UtcDateTime already hands back aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import RowMapping

from domain.credits import LedgerEntry, Reason
from domain.operations import parse_operation, to_dict
from domain.sessions import RefreshToken
from domain.tasks import KeptKey, Status, Task
from domain.users import User
from domain.values import ImageInfo


def row_of(entity: User | RefreshToken | LedgerEntry | Task | KeptKey) -> dict[str, Any]:
    """Each field in the column of the same name."""
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
        **row_of(task),
        "operations": [to_dict(operation) for operation in task.operations],
        "status": task.status.value,
        "source": task.source.to_dict(),
        "result": task.result.to_dict() if task.result else None,
    }


def to_task(row: RowMapping) -> Task:
    return Task(
        **{
            **row,
            "operations": tuple(parse_operation(raw) for raw in row["operations"]),
            "status": Status(row["status"]),
            "source": ImageInfo.from_dict(row["source"]),
            "result": ImageInfo.from_dict(row["result"]) if row["result"] is not None else None,
        }
    )
