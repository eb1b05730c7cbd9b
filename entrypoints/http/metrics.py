"""/metrics: Litestar's Prometheus integration for HTTP, plus the domain metrics of adapters/prometheus."""

from __future__ import annotations

from litestar import Response, get
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController

from adapters.prometheus.metrics import QUEUE_DEPTH
from application.use_cases.read_tasks import QueueDepth

# Path templates, not raw paths, keep the label set small; health and metrics are not traffic.
prometheus_config = PrometheusConfig(
    app_name="pixelmill", prefix="pixelmill_http", group_path=True, exclude=["^/metrics", "^/health"]
)


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False

    @get()
    async def get(self, queue_depth: QueueDepth) -> Response:  # type: ignore[override]
        """Prometheus text format; the queue depth is counted at scrape time."""
        try:
            QUEUE_DEPTH.set(await queue_depth())
        except Exception:  # a scrape still answers when the database is down; readiness reports that
            QUEUE_DEPTH.set(float("nan"))
        return await super().get.fn(self)  # type: ignore[attr-defined, no-any-return]
