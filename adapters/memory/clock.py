"""A clock that moves only when told, and ids that count up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID


class FixedClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)


class SequentialIds:
    def __init__(self) -> None:
        self.counter = 0

    def new(self) -> UUID:
        self.counter += 1
        return UUID(int=self.counter)
