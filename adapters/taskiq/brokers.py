"""Taskiq brokers: in-process for the embedded mode, Redis streams (at least once) for many processes."""

from __future__ import annotations

from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from taskiq import AsyncBroker, InMemoryBroker

from adapters.taskiq.log_context import LogContextMiddleware
from adapters.taskiq.stream_broker import ReliableStreamBroker

CONSUMER_GROUP = "pixelmill"
# Bounds the stream: acknowledged entries are only history. Anything trimmed before it ran is still
# `queued` or leased in the database, and the sweeper sends it again.
STREAM_MAXLEN = 100_000
AUTOCLAIM_LOCK_SECONDS = 30


def in_process_broker(max_async_tasks: int) -> AsyncBroker:
    """Jobs run in this process, at most `max_async_tasks` at once."""
    broker = InMemoryBroker(max_async_tasks=max_async_tasks, propagate_exceptions=False)
    broker.add_middlewares(LogContextMiddleware())
    return broker


def redis_stream_broker(url: str, queue_name: str, redelivery_seconds: int, concurrency: int) -> ReliableStreamBroker:
    """At least once: a job's message is acknowledged after it returns, a dead worker's is claimed again."""
    broker = ReliableStreamBroker(
        url,
        queue_name=queue_name,
        consumer_group_name=CONSUMER_GROUP,
        consumer_id="0",  # a group made after the first message still delivers it (gotcha 2)
        maxlen=STREAM_MAXLEN,
        # Messages idle this long in a consumer's pending list are claimed by another: above the lease,
        # so a job that is merely slow is not run twice while its lease holds.
        idle_timeout=redelivery_seconds * 1000,
        unacknowledged_lock_timeout=AUTOCLAIM_LOCK_SECONDS,  # a killed claimer must not block reclaim (gotcha 3)
        # One message per read: a worker holds only what it runs, so a kill strands no unread batch.
        xread_count=1,
        unacknowledged_batch_size=concurrency,
        # A pooled connection that Redis closed is retried at once; a Redis that is away fails fast.
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        socket_connect_timeout=3,
        health_check_interval=30,
    )
    broker.add_middlewares(LogContextMiddleware())
    return broker
