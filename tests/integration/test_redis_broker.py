"""The Redis stream broker against the real Redis: at-least-once delivery, redelivery of what a dead consumer held,
riding out a lost connection, one scheduled run per interval across processes. Each test owns its queue name."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from redis.asyncio import Redis
from taskiq import AckableMessage
from taskiq.kicker import AsyncKicker

from adapters.taskiq.queue import TaskiqTaskQueue
from adapters.taskiq.stream_broker import ReliableStreamBroker
from domain.errors import DependencyUnavailable
from entrypoints.container import build_container
from entrypoints.jobs import SWEEP
from entrypoints.settings import Settings, load_settings
from entrypoints.worker.schedule import run_on_schedule
from testbed.redis_keys import forget_queue
from tests.e2e.polling import eventually
from tests.support.stack import REDIS_URL
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.redis

SCHEDULING_SLACK_MS = 3000  # how late a scheduler may wake on a loaded 2-core machine


@pytest.fixture
async def queue_name() -> AsyncIterator[str]:
    name = f"pixelmill-test-{uuid4().hex}"
    yield name
    forget_queue(REDIS_URL, name)


def settings_for(queue_name: str, broker_url: str = REDIS_URL, **values: str) -> Settings:
    return load_settings(
        {"PIXELMILL_BROKER_URL": broker_url, "PIXELMILL_QUEUE_NAME": queue_name}
        | {f"PIXELMILL_{name.upper()}": value for name, value in values.items()}
    )


def redis_stream_broker(settings: Settings) -> ReliableStreamBroker:
    """The broker a process of this deployment gets, each call a new process's."""
    broker = build_container(settings).broker()
    assert isinstance(broker, ReliableStreamBroker)
    return broker


@asynccontextmanager
async def started(broker: ReliableStreamBroker, **fast: Any) -> AsyncIterator[ReliableStreamBroker]:
    for name, value in fast.items():
        setattr(broker, name, value)
    await broker.startup()
    try:
        yield broker
    finally:
        await broker.shutdown()


async def send(broker: ReliableStreamBroker, payload: str, task_name: str = "pixelmill.test") -> None:
    await AsyncKicker(task_name=task_name, broker=broker, labels={}).kiq(payload)


def payload(message: AckableMessage) -> str:
    return str(json.loads(message.data)["args"][0])


async def receive(messages: AsyncIterator[AckableMessage], timeout: float = 10) -> AckableMessage:
    return await asyncio.wait_for(anext(messages), timeout)


def test_a_redis_url_gets_the_stream_broker_on_the_configured_queue(queue_name: str) -> None:
    settings = settings_for(queue_name, queue_redelivery_seconds="90")
    broker = build_container(settings).broker()

    assert isinstance(broker, ReliableStreamBroker)
    assert broker.queue_name == queue_name
    assert broker.idle_timeout == 90_000
    assert broker.unacknowledged_lock_timeout
    assert broker.maxlen


async def test_a_message_sent_before_any_worker_started_is_delivered(queue_name: str) -> None:
    # An API process that could not reach Redis at start-up made no consumer group: the first worker makes it.
    client = redis_stream_broker(settings_for(queue_name))
    await send(client, "early")

    async with started(redis_stream_broker(settings_for(queue_name)), block=100) as worker:
        async with aclosing(worker.listen()) as messages:
            assert payload(await receive(messages)) == "early"


async def test_an_acknowledged_message_is_not_delivered_again(queue_name: str) -> None:
    settings = settings_for(queue_name, queue_redelivery_seconds="1")
    async with started(redis_stream_broker(settings), block=100) as first, started(
        redis_stream_broker(settings), block=100
    ) as second:
        await send(first, "once")
        async with aclosing(first.listen()) as messages:
            await (await receive(messages)).ack()  # type: ignore[misc]
        async with aclosing(second.listen()) as messages:
            seen: list[str] = []
            idle_timeout_passed = time.monotonic() + 2

            async def ticks_flowed_past_the_idle_timeout() -> bool:
                await send(first, "tick")
                message = await receive(messages)
                await message.ack()  # type: ignore[misc]
                seen.append(payload(message))
                return time.monotonic() > idle_timeout_passed

            await eventually(ticks_flowed_past_the_idle_timeout, bool)
            assert set(seen) == {"tick"}


async def test_what_a_dead_consumer_held_goes_to_another_after_the_idle_timeout(queue_name: str) -> None:
    settings = settings_for(queue_name, queue_redelivery_seconds="1")
    async with started(redis_stream_broker(settings), block=100) as doomed:
        await send(doomed, "held")
        async with aclosing(doomed.listen()) as messages:
            assert payload(await receive(messages)) == "held"  # and never acknowledged: the consumer dies

    async with started(redis_stream_broker(settings), block=100) as survivor:
        async with aclosing(survivor.listen()) as messages:
            seen: list[str] = []

            async def redelivered() -> bool:
                # Reclaim runs only after a read returned something (gotcha 1): the scheduler's jobs keep it so.
                await send(survivor, "tick")
                seen.append(payload(await receive(messages)))
                return "held" in seen

            await eventually(redelivered, bool)
    assert seen.count("held") == 1


async def test_listening_rides_out_a_lost_connection(queue_name: str) -> None:
    target = urlsplit(REDIS_URL)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 6379)
    port = await proxy.start()
    try:
        settings = settings_for(queue_name, broker_url=f"redis://127.0.0.1:{port}/0")
        direct = redis_stream_broker(settings_for(queue_name))
        async with started(redis_stream_broker(settings), block=100, reconnect_seconds=0.1) as worker:
            async with aclosing(worker.listen()) as messages:
                await send(direct, "before")
                assert payload(await receive(messages)) == "before"
                await proxy.cut()
                waiting = asyncio.ensure_future(receive(messages, timeout=20))
                await send(direct, "after")
                await proxy.restore()
                assert payload(await waiting) == "after"
    finally:
        await proxy.close()


async def test_enqueue_with_redis_away_is_dependency_unavailable(queue_name: str, unused_tcp_port: int) -> None:
    broker = redis_stream_broker(settings_for(queue_name, broker_url=f"redis://127.0.0.1:{unused_tcp_port}/0"))
    queue = TaskiqTaskQueue(broker)

    with pytest.raises(DependencyUnavailable):
        await queue.enqueue(uuid4())
    with pytest.raises(DependencyUnavailable):
        await queue.ping()


async def test_a_turn_with_redis_away_is_dependency_unavailable(queue_name: str, unused_tcp_port: int) -> None:
    broker = redis_stream_broker(settings_for(queue_name, broker_url=f"redis://127.0.0.1:{unused_tcp_port}/0"))

    with pytest.raises(DependencyUnavailable):
        await broker.take_turn(SWEEP, 0.3)
    with pytest.raises(DependencyUnavailable):
        await broker.kick_on_turn(SWEEP, 0.3)


async def test_the_schedule_outlives_redis_being_away(queue_name: str, unused_tcp_port: int) -> None:
    broker = redis_stream_broker(settings_for(queue_name, broker_url=f"redis://127.0.0.1:{unused_tcp_port}/0"))
    attempts = 0
    take_turn = broker.take_turn

    async def counted_turn(name: str, seconds: float) -> bool:
        nonlocal attempts
        attempts += 1
        return await take_turn(name, seconds)

    broker.take_turn = counted_turn  # type: ignore[method-assign]
    scheduler = asyncio.create_task(run_on_schedule(broker, {SWEEP: 0.1}))
    try:

        async def tried_again() -> bool:
            assert not scheduler.done(), scheduler.exception()
            return attempts >= 3

        await eventually(tried_again, bool)
    finally:
        scheduler.cancel()
        await asyncio.gather(scheduler, return_exceptions=True)


async def test_one_of_many_processes_gets_each_turn(queue_name: str) -> None:
    brokers = [redis_stream_broker(settings_for(queue_name)) for _ in range(5)]

    first = await asyncio.gather(*(broker.take_turn(SWEEP, 0.3) for broker in brokers))
    assert sum(first) == 1

    async def next_turn_taken() -> bool:
        return sum(await asyncio.gather(*(broker.take_turn(SWEEP, 0.3) for broker in brokers))) == 1

    await eventually(next_turn_taken, bool)


async def test_the_schedule_kicks_one_sweep_per_interval_however_many_workers(queue_name: str) -> None:
    interval = 0.5
    brokers = [redis_stream_broker(settings_for(queue_name)) for _ in range(3)]
    schedulers = [asyncio.create_task(run_on_schedule(broker, {SWEEP: interval})) for broker in brokers]
    try:
        async with Redis.from_url(REDIS_URL) as redis:

            async def kicked() -> list[int]:
                return [int(entry_id.split(b"-")[0]) for entry_id, _ in await redis.xrange(queue_name)]

            async def four_sweeps_kicked() -> bool:
                return len(await kicked()) >= 4

            await eventually(four_sweeps_kicked, bool)
            times = await kicked()
    finally:
        for scheduler in schedulers:
            scheduler.cancel()
        await asyncio.gather(*schedulers, return_exceptions=True)
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    # Three schedulers, yet one kick per interval: never two in one interval (the rule), and none long skipped
    # (bounded generously: a loaded machine may wake a scheduler late, which is no second kick).
    assert all(gap >= interval * 1000 * 0.9 for gap in gaps), gaps
    assert all(gap <= interval * 1000 + SCHEDULING_SLACK_MS for gap in gaps), gaps
