"""The Metrics port: the counters the fake keeps for tests and the Prometheus ones /metrics exposes agree.

Prometheus refuses a negative increment (a counter only goes up); the fake refuses it too, so a use case that
would report one fails in the unit tests instead of in production. Histograms are not compared: Prometheus
accepts any observation, and so does the fake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import uuid4

import pytest
from prometheus_client import REGISTRY

from adapters.memory.metrics import MemoryMetrics
from adapters.prometheus.metrics import PrometheusMetrics
from application.ports.metrics import Metrics
from domain.credits import Reason
from domain.tasks import Status


@dataclass
class Counters:
    metrics: Metrics
    credits: Callable[[Reason], float]
    finished: Callable[[Status], float]
    webhook: Callable[[str], float]


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture(params=["memory", "prometheus"])
def counters(request: pytest.FixtureRequest) -> Counters:
    if request.param == "memory":
        fake = MemoryMetrics()
        return Counters(
            fake,
            lambda reason: fake.counts[f"credits:{reason}"],
            lambda status: fake.counts[f"finished:{status}"],
            lambda outcome: fake.counts[f"webhook:{outcome}"],
        )
    return Counters(  # the process-wide registry: each test reads differences, never absolute values
        PrometheusMetrics(),
        lambda reason: _sample("pixelmill_credits_total", {"reason": str(reason)}),
        lambda status: _sample("pixelmill_tasks_finished_total", {"status": str(status)}),
        lambda outcome: _sample("pixelmill_webhook_events_total", {"outcome": outcome}),
    )


def test_credits_add_up_by_reason(counters: Counters) -> None:
    before = counters.credits(Reason.TASK_REFUND), counters.credits(Reason.PURCHASE)

    counters.metrics.credits(Reason.TASK_REFUND, 2)
    counters.metrics.credits(Reason.TASK_REFUND, 3)

    assert counters.credits(Reason.TASK_REFUND) - before[0] == 5
    assert counters.credits(Reason.PURCHASE) - before[1] == 0


def test_a_negative_amount_of_credits_is_refused(counters: Counters) -> None:
    before = counters.credits(Reason.PURCHASE_REVERSAL)

    with pytest.raises(ValueError):
        counters.metrics.credits(Reason.PURCHASE_REVERSAL, -1)

    assert counters.credits(Reason.PURCHASE_REVERSAL) == before


def test_finished_tasks_and_webhook_outcomes_count_one_each(counters: Counters) -> None:
    outcome = f"outcome-{uuid4().hex[:8]}"
    before = counters.finished(Status.FAILED)

    counters.metrics.task_finished(Status.FAILED)
    counters.metrics.webhook_event(outcome)
    counters.metrics.webhook_event(outcome)

    assert counters.finished(Status.FAILED) - before == 1
    assert counters.webhook(outcome) == 2
