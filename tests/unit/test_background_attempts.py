"""Webhook attempts run beside the worker's jobs: the job returns at once, and a process runs a bounded number."""

from __future__ import annotations

import asyncio
from uuid import UUID, uuid4

from entrypoints.worker.background import BackgroundAttempts


class Blocked:
    def __init__(self) -> None:
        self.started: list[UUID] = []
        self.release = asyncio.Event()
        self.finished: list[UUID] = []

    async def __call__(self, delivery_id: UUID) -> None:
        self.started.append(delivery_id)
        await self.release.wait()
        self.finished.append(delivery_id)


async def test_starting_an_attempt_returns_before_a_slow_receiver_answers() -> None:
    attempts, receiver = BackgroundAttempts(limit=5), Blocked()
    delivery = uuid4()

    assert attempts.start(delivery, receiver)
    await asyncio.sleep(0)  # let it start; it is now waiting on the receiver, and the caller is not

    assert receiver.started == [delivery] and receiver.finished == []
    receiver.release.set()
    await asyncio.gather(*attempts.running)
    assert receiver.finished == [delivery] and not attempts.running


async def test_a_full_process_turns_attempts_away_for_a_later_dispatch() -> None:
    attempts, receiver = BackgroundAttempts(limit=2), Blocked()

    started = [attempts.start(uuid4(), receiver) for _ in range(3)]

    assert started == [True, True, False]
    receiver.release.set()
    await asyncio.gather(*attempts.running)
    assert attempts.start(uuid4(), receiver)
    await asyncio.gather(*attempts.running)


async def test_an_attempt_that_raises_is_logged_and_forgotten() -> None:
    attempts = BackgroundAttempts(limit=1)

    async def broken(_: UUID) -> None:
        raise RuntimeError("bug")

    attempts.start(uuid4(), broken)
    await asyncio.gather(*attempts.running)
    assert not attempts.running
