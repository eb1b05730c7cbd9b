"""Periodic jobs (the sweeper, the order reconciliation) as scheduled Taskiq jobs, each once per interval cluster-wide.

Why not `taskiq scheduler`: it must run as exactly one more process, and two of them kick twice. Here every
worker process asks Redis for the interval's turn of each job (SET NX PX) and only the winner kicks it, so one
run per interval happens however many workers there are, and none is skipped while any worker lives. A kicked
job is a message like any other: it keeps the stream flowing, which taskiq-redis's reclaim of a dead worker's
messages (XAUTOCLAIM) waits for.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from adapters.taskiq.stream_broker import ReliableStreamBroker
from domain.errors import DependencyUnavailable

log = logging.getLogger(__name__)


async def run_on_schedule(broker: ReliableStreamBroker, intervals: Mapping[str, float]) -> None:
    """Kick each named job once per its interval (seconds) across all workers on this queue; runs until cancelled."""
    poll = max(0.1, min(1.0, min(intervals.values()) / 4))  # a turn is taken at most `poll` after it opens
    while True:
        for name, interval in intervals.items():
            try:
                await broker.kick_on_turn(name, interval)
            except DependencyUnavailable as exc:  # the broker translates Redis's own errors
                log.warning("cannot schedule %s (%s); trying again", name, exc)
        await asyncio.sleep(poll)
