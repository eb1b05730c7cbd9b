"""SQLAlchemy's exceptions become the domain's here: nothing but a DomainError leaves the unit of work.

A unique rule the store enforced is DuplicateRecord (or EmailTaken), as the fake raises; any other integrity rule a
use case did not foresee is a Conflict; a value the database cannot hold is ValidationFailed; a database that is
unreachable, refuses the connection or times out is DatabaseUnavailable (a DependencyUnavailable). Each was rolled back whole.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from adapters.sqlalchemy.execute import unique_rule_broken
from domain.errors import Conflict, DatabaseUnavailable, DomainError, ValidationFailed

log = logging.getLogger(__name__)

CONFLICT = "the request conflicts with the stored data; nothing was changed"
UNSTORABLE = "a value in the request cannot be stored; nothing was changed"


def domain_error_of(exc: SQLAlchemyError) -> DomainError | None:
    """The domain's error for a database failure; None for one that is a bug (bad SQL, say)."""
    if isinstance(exc, IntegrityError):
        log.warning("the database refused a write: %s", type(exc.orig).__name__)
        return unique_rule_broken(exc) or Conflict(CONFLICT)
    if isinstance(exc, DataError):
        log.warning("the database refused a value: %s", type(exc.orig).__name__)
        return ValidationFailed([], UNSTORABLE)
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        log.warning("the database failed: %s: %s", type(exc).__name__, _first_line(exc))
        return DatabaseUnavailable()
    return None


@asynccontextmanager
async def database_errors() -> AsyncIterator[None]:
    """Raises the domain's error in place of SQLAlchemy's (chained, for the logs)."""
    try:
        yield
    except SQLAlchemyError as exc:
        if (error := domain_error_of(exc)) is None:
            raise
        raise error from exc


def _first_line(exc: SQLAlchemyError) -> str:
    """The driver's own words (\"connection refused\", \"database is locked\"), never the statement's values."""
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]
