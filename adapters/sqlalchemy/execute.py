"""How every SQL repository runs a statement: a write whose broken unique rule becomes the domain's error, one row,
and a keyset page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Executable, RowMapping, Select, Table, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.cursor import decode_cursor, encode_cursor
from domain.errors import DomainError, DuplicateRecord, EmailTaken
from domain.values import Page

T = TypeVar("T")

# PostgreSQL's SQLSTATE and SQLite's extended result codes for a broken unique rule.
_UNIQUE_VIOLATIONS = {"23505", "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}


def unique_rule_broken(exc: IntegrityError) -> DomainError | None:
    """The domain error for a unique rule the store enforced; None for any other integrity error (a bug)."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "sqlite_errorname", None)
    if code not in _UNIQUE_VIOLATIONS:
        return None
    message = str(exc.orig)
    # PostgreSQL names the constraint, SQLite the columns.
    if "uq_users_email" in message or "users.email" in message:
        return EmailTaken()
    return DuplicateRecord(message.splitlines()[0])


@asynccontextmanager
async def unique_rules(session: AsyncConnection) -> AsyncIterator[None]:
    """A broken unique rule rolls back the whole unit of work and raises its domain error."""
    try:
        yield
    except IntegrityError as exc:
        # PostgreSQL has aborted the transaction anyway; SQLite is made to agree.
        await session.rollback()
        error = unique_rule_broken(exc)
        if error is None:
            raise
        raise error from exc


async def write(session: AsyncConnection, statement: Executable, values: dict[str, Any] | None = None) -> None:
    async with unique_rules(session):
        await session.execute(statement, values)


async def one(session: AsyncConnection, statement: Executable, values: dict[str, Any] | None = None) -> RowMapping | None:
    return (await session.execute(statement, values)).mappings().one_or_none()


async def page(
    session: AsyncConnection,
    table: Table,
    query: Select[Any],
    limit: int,
    cursor: str | None,
    to_entity: Callable[[RowMapping], T],
) -> Page[T]:
    """Keyset pagination, newest first by (created_at, id)."""
    if cursor is not None:
        query = query.where(tuple_(table.c.created_at, table.c.id) < decode_cursor(cursor))
    query = query.order_by(table.c.created_at.desc(), table.c.id.desc()).limit(limit + 1)
    rows = (await session.execute(query)).mappings().all()
    items, rest = rows[:limit], rows[limit:]
    next_cursor = encode_cursor(items[-1]["created_at"], items[-1]["id"]) if items and rest else None
    return Page([to_entity(row) for row in items], next_cursor)
