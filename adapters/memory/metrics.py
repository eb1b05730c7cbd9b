"""Metrics kept in counters, for tests to read."""

from __future__ import annotations

from collections import Counter

from domain.credits import Reason
from domain.tasks import Status


class MemoryMetrics:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.processing: list[float] = []
        self.running = 0
        self.memory_bytes = 0

    def task_submitted(self) -> None:
        self.counts["submitted"] += 1

    def task_finished(self, status: Status) -> None:
        self.counts[f"finished:{status}"] += 1

    def observe_processing(self, seconds: float) -> None:
        self.processing.append(seconds)

    def attempt_running(self, change: int, memory_bytes: int) -> None:
        self.running += change
        self.memory_bytes += change * memory_bytes

    def credits(self, reason: Reason, amount: int) -> None:
        if amount < 0:  # as Prometheus: a counter only goes up
            raise ValueError("Counters can only be incremented by non-negative amounts.")
        self.counts[f"credits:{reason}"] += amount

    def payment_captured(self) -> None:
        self.counts["payments_captured"] += 1

    def webhook_event(self, outcome: str) -> None:
        self.counts[f"webhook:{outcome}"] += 1
