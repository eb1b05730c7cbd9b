"""The TaskQueue port: the fake list and the Taskiq queue on the real Redis stream honour one contract.

Both deliver every enqueued id, and both refuse with DependencyUnavailable (on enqueue and ping) when the broker
is away. One difference is left on purpose: the fake never delivers a message twice, where the stream redelivers
what a dead consumer held. That is harmless for the use cases, because a redelivered id meets the database's
conditional claim (a second claim of a task that is processing under a live lease, or done, is refused); the
contract suite proves the claim on every store (test_task_claims.py), and test_redis_broker.py the redelivery.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest

from adapters.memory.queue import MemoryTaskQueue
from adapters.taskiq.queue import TaskiqTaskQueue
from application.ports.task_queue import TaskQueue
from domain.errors import DependencyUnavailable
from entrypoints.settings import load_settings
from entrypoints.container import build_container
from testbed.redis_keys import forget_queue
from tests.support.stack import REDIS_URL

RECEIVE_SECONDS = 10  # for what takes milliseconds on the loopback


@dataclass
class QueueUnderTest:
    queue: TaskQueue
    delivered: Callable[[int], Awaitable[list[UUID]]]  # the first n ids a worker receives
    unreachable: TaskQueue  # the same kind of queue with its broker away


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def under_test(request: pytest.FixtureRequest) -> AsyncIterator[QueueUnderTest]:
    if request.param == "memory":
        fake, down = MemoryTaskQueue(), MemoryTaskQueue()
        down.down = True

        async def drained(n: int) -> list[UUID]:
            return fake.drain()[:n]

        yield QueueUnderTest(fake, drained, down)
        return
    name = f"pixelmill-test-{uuid4().hex}"

    def broker(url: str):  # type: ignore[no-untyped-def]
        return build_container(load_settings({"PIXELMILL_BROKER_URL": url, "PIXELMILL_QUEUE_NAME": name})).broker()

    sender, worker = broker(REDIS_URL), broker(REDIS_URL)
    await worker.startup()

    async def received(n: int) -> list[UUID]:
        ids = []
        async with aclosing(worker.listen()) as messages:
            while len(ids) < n:
                message = await asyncio.wait_for(anext(messages), RECEIVE_SECONDS)
                ids.append(UUID(json.loads(message.data)["args"][0]))
                await message.ack()  # type: ignore[misc]
        return ids

    try:
        away = TaskiqTaskQueue(broker(f"redis://127.0.0.1:{_closed_port()}/0"))
        yield QueueUnderTest(TaskiqTaskQueue(sender), received, away)
    finally:
        await worker.shutdown()
        await sender.shutdown()
        forget_queue(REDIS_URL, name)


async def test_every_enqueued_id_is_delivered(under_test: QueueUnderTest) -> None:
    ids = [uuid4() for _ in range(3)]
    for task_id in ids:
        await under_test.queue.enqueue(task_id)

    assert await under_test.delivered(3) == ids  # in order, each once when nobody died


async def test_a_queue_whose_broker_is_away_refuses_with_dependency_unavailable(under_test: QueueUnderTest) -> None:
    await under_test.queue.ping()  # the working one answers

    with pytest.raises(DependencyUnavailable):
        await under_test.unreachable.enqueue(uuid4())
    with pytest.raises(DependencyUnavailable):
        await under_test.unreachable.ping()
