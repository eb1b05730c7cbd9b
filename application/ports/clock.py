"""Time and identity come in through ports so that tests can fix them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class IdGenerator(Protocol):
    def new(self) -> UUID:
        """A fresh unique id."""
        ...
