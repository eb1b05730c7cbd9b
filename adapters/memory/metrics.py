"""Metrics kept in counters, for tests to read."""

from __future__ import annotations

from collections import Counter

from domain.credits import Reason
from domain.tasks import Status


class MemoryMetrics:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.processing: list[float] = []

    def task_submitted(self) -> None:
        self.counts["submitted"] += 1

    def task_finished(self, status: Status) -> None:
        self.counts[f"finished:{status}"] += 1

    def observe_processing(self, seconds: float) -> None:
        self.processing.append(seconds)

    def credits(self, reason: Reason, amount: int) -> None:
        self.counts[f"credits:{reason}"] += amount

    def payment_captured(self) -> None:
        self.counts["payments_captured"] += 1

    def webhook_event(self, outcome: str) -> None:
        self.counts[f"webhook:{outcome}"] += 1
