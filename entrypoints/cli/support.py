"""What every `pixelmill` command shares: the expected-failure error, settings, a container on a current schema."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from entrypoints.logging_setup import configure_logging
from entrypoints.settings import Settings, load_settings, production_problems

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


class CliError(Exception):
    """An expected failure: printed as one line, exit code 1 (2 for usage)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def cli_settings() -> Settings:
    settings = load_settings()
    if settings.log_level.upper() not in LOG_LEVELS:
        raise CliError(f"PIXELMILL_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}", code=2)
    configure_logging(settings.log_level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    return settings


def refuse_production_problems(settings: Settings) -> None:
    problems = production_problems(settings)
    if problems:
        for problem in problems:
            print(f"pixelmill: {problem}", file=sys.stderr)
        raise CliError(f"refusing to start in {settings.env} mode (PIXELMILL_ENV={settings.env})", code=2)


async def upgrade(settings: Settings) -> None:
    from adapters.sqlalchemy.migrate import upgrade

    await upgrade(settings.database_url)


async def check_schema(settings: Settings) -> None:
    await with_container(settings)


async def with_container(settings: Settings, action: Callable[[Any], Awaitable[Any]] | None = None) -> Any:
    """Check that the database schema is current, then run one use case (if any) against it."""
    from entrypoints.container import build_container, running

    async with running(build_container(settings)) as container:
        await _require_current_schema(container.engine())
        return None if action is None else await action(container)


async def _require_current_schema(engine: AsyncEngine) -> None:
    from adapters.sqlalchemy.migrate import schema_is_current

    # Asking for the revision needs no "Context impl SQLiteImpl" chatter on every command.
    logger = logging.getLogger("alembic.runtime.migration")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        current = await schema_is_current(engine)
    finally:
        logger.setLevel(level)
    if not current:
        raise CliError("the database schema is not the one this code needs: run `pixelmill migrate` first")


def positive(raw: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
