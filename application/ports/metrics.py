"""Domain metrics the use cases report; the adapter decides where they go."""

from __future__ import annotations

from typing import Protocol

from domain.credits import Reason
from domain.tasks import Status


class Metrics(Protocol):
    def task_submitted(self) -> None:
        """A task was accepted and charged."""
        ...

    def task_finished(self, status: Status) -> None:
        """A task reached completed or failed."""
        ...

    def observe_processing(self, seconds: float) -> None:
        """Time one attempt spent on storage and pixels."""
        ...

    def attempt_running(self, change: int, memory_bytes: int) -> None:
        """An attempt was admitted (+1) or ended (-1), holding that much predicted pixel memory."""
        ...

    def credits(self, reason: Reason, amount: int) -> None:
        """Credits moved for a reason (charged, refunded, bought...)."""
        ...

    def payment_captured(self) -> None:
        """An order was paid and its credits granted (once per order)."""
        ...

    def webhook_event(self, outcome: str) -> None:
        """A payment webhook delivery was handled, by outcome (captured, duplicate, invalid_signature...)."""
        ...
