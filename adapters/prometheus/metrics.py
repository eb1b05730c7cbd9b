"""Domain metrics in Prometheus' default registry (the one /metrics exposes)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from domain.credits import Reason
from domain.tasks import Status

TASKS_SUBMITTED = Counter("pixelmill_tasks_submitted", "Tasks accepted and charged")
TASKS_FINISHED = Counter("pixelmill_tasks_finished", "Tasks that reached a final status", ["status"])
PROCESSING_SECONDS = Histogram(
    "pixelmill_task_processing_seconds",
    "Seconds one processing attempt took",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
QUEUE_DEPTH = Gauge("pixelmill_queue_depth", "Tasks queued or processing, as last counted")
ATTEMPTS_RUNNING = Gauge("pixelmill_attempts_running", "Processing attempts admitted and not yet ended")
MEMORY_RESERVED = Gauge("pixelmill_pixel_memory_reserved_bytes", "Predicted peak memory of the attempts running")
CREDITS = Counter("pixelmill_credits", "Credits moved, by reason", ["reason"])
PAYMENTS_CAPTURED = Counter("pixelmill_payments_captured", "Orders paid and credited")
WEBHOOK_EVENTS = Counter("pixelmill_webhook_events", "Payment webhook deliveries, by outcome", ["outcome"])


class PrometheusMetrics:
    def task_submitted(self) -> None:
        TASKS_SUBMITTED.inc()

    def task_finished(self, status: Status) -> None:
        TASKS_FINISHED.labels(status=str(status)).inc()

    def observe_processing(self, seconds: float) -> None:
        PROCESSING_SECONDS.observe(seconds)

    def attempt_running(self, change: int, memory_bytes: int) -> None:
        ATTEMPTS_RUNNING.inc(change)
        MEMORY_RESERVED.inc(change * memory_bytes)

    def credits(self, reason: Reason, amount: int) -> None:
        CREDITS.labels(reason=str(reason)).inc(amount)

    def payment_captured(self) -> None:
        PAYMENTS_CAPTURED.inc()

    def webhook_event(self, outcome: str) -> None:
        WEBHOOK_EVENTS.labels(outcome=outcome).inc()
