"""Each `pixelmill worker` process serves its own /metrics, since the API's /metrics sees only its own process."""

from __future__ import annotations

import asyncio
import logging
from wsgiref.simple_server import WSGIServer

from prometheus_client import start_http_server

from adapters.prometheus.metrics import QUEUE_DEPTH
from entrypoints.container import Container

log = logging.getLogger(__name__)

# Worker processes of one `pixelmill worker --workers N` take the first free ports from the base, in turn.
MAX_PORTS_TRIED = 64
QUEUE_DEPTH_INTERVAL_SECONDS = 15.0


def serve_metrics(host: str, base_port: int) -> tuple[WSGIServer, int] | None:
    """Prometheus' default registry over HTTP on the first free port from `base_port`; None when none is free."""
    for port in range(base_port, base_port + MAX_PORTS_TRIED):
        try:
            server, _thread = start_http_server(port, addr=host)
        except OSError:
            continue  # another worker process of this machine has it
        log.info("worker metrics on http://%s:%d/metrics", host, port)
        return server, port
    log.warning("no free port for worker metrics in %d..%d", base_port, base_port + MAX_PORTS_TRIED - 1)
    return None


async def count_queue_forever(container: Container, interval: float = QUEUE_DEPTH_INTERVAL_SECONDS) -> None:
    """Keep the queue-depth gauge fresh for scrapes of this process (the API counts it at scrape time)."""
    while True:
        try:
            QUEUE_DEPTH.set(await container.queue_depth()())
        except Exception:
            QUEUE_DEPTH.set(float("nan"))
        await asyncio.sleep(interval)
