"""ProcessTask: claim with a lease, run the pixels, complete; or fail and refund exactly once."""

from __future__ import annotations

import asyncio
from io import BytesIO

from PIL import Image

from adapters.memory.storage import MemoryBlobStorage
from adapters.pillow.processor import PillowImageProcessor
from domain.credits import Reason
from domain.errors import NotFound, TransientFailure
from domain.tasks import Status, result_key
from domain.users import User
from tests.unit.conftest import LEASE, MAX_ATTEMPTS, SIGNUP_CREDITS, Bootstrap, Gate, GatedBlobStorage, noisy_jpeg, png


class FlakyBlobStorage(MemoryBlobStorage):
    """Fails its first read only: a hiccup a retry gets past."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def get(self, key: str) -> bytes:
        self.reads += 1
        if self.reads == 1:
            raise TransientFailure("connection reset")
        return await super().get(key)


def refunds(app: Bootstrap, user: User) -> list[int]:
    return [e.delta for e in app.ledger(user) if e.reason == Reason.TASK_REFUND]


async def claim_and_abandon(app: Bootstrap, task_id) -> None:
    """A worker claims the task and dies without finishing it."""
    now = app.clock.now()
    async with app.uow() as uow:
        assert await uow.tasks.claim(task_id, now, now + LEASE) is not None
        await uow.commit()


async def test_a_processed_task_is_completed_with_its_result_stored(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    app.clock.advance(3)

    [done] = await app.drain()

    stored = app.stored(task.id)
    assert stored.status == Status.COMPLETED
    assert (stored.attempts, stored.error, stored.lease_until) == (1, None, None)
    assert stored.result_key == result_key(task.id)
    assert (stored.started_at, stored.finished_at) == (app.clock.now(), app.clock.now())
    with Image.open(BytesIO(app.storage.blobs[stored.result_key])) as result:
        assert (result.format, result.size, result.mode) == ("JPEG", (32, 24), "L")  # the default pipeline
    assert stored.result.to_dict() == {
        "format": "JPEG",
        "width": 32,
        "height": 24,
        "mode": "L",
        "bytes": len(app.storage.blobs[stored.result_key]),
    }
    assert done == stored
    assert app.metrics.counts["finished:completed"] == 1
    assert len(app.metrics.processing) == 1
    assert app.balance(user) == SIGNUP_CREDITS - 1
    app.assert_books_balance(user)


async def test_the_requested_operations_shape_the_result(app: Bootstrap) -> None:
    ops = '[{"op": "rotate", "degrees": 90}, {"op": "format", "format": "webp", "quality": 50}]'
    task = await app.submit(await app.user(), image=png(40, 10), operations=ops)
    await app.drain()
    result = app.stored(task.id).result
    assert (result.format, result.width, result.height) == ("WEBP", 10, 40)


async def test_a_task_processed_twice_is_processed_once(app: Bootstrap) -> None:
    task = await app.submit(await app.user())

    assert await app.process_task(task.id) is not None
    assert await app.process_task(task.id) is None

    assert app.stored(task.id).attempts == 1
    assert app.metrics.counts["finished:completed"] == 1


async def test_two_workers_receiving_the_same_task_at_once_process_it_once(app: Bootstrap) -> None:
    task = await app.submit(await app.user())

    results = await asyncio.gather(app.process_task(task.id), app.process_task(task.id))

    assert sorted(r is None for r in results) == [False, True]
    assert app.stored(task.id).status == Status.COMPLETED
    assert app.stored(task.id).attempts == 1
    assert app.metrics.counts["finished:completed"] == 1


async def test_an_unknown_task_id_is_acknowledged_and_ignored(app: Bootstrap) -> None:
    from uuid import UUID

    assert await app.process_task(UUID(int=12345)) is None


async def test_a_truncated_image_fails_the_task_and_refunds_its_credit_once(app: Bootstrap) -> None:
    user = await app.user()
    data = noisy_jpeg()
    task = await app.submit(user, image=data[: len(data) // 2])  # the header probe passes; the decode cannot

    [failed] = await app.drain()

    stored = app.stored(task.id)
    assert stored.status == Status.FAILED
    assert "truncated" in stored.error
    assert stored.result is None
    assert failed == stored
    assert refunds(app, user) == [1]
    assert app.balance(user) == SIGNUP_CREDITS
    assert result_key(task.id) not in app.storage.blobs
    assert app.metrics.counts["finished:failed"] == 1
    assert app.metrics.counts[f"credits:{Reason.TASK_REFUND}"] == 1
    app.assert_books_balance(user)


async def test_a_task_over_the_workers_pixel_budget_fails_as_too_large_and_is_refunded(make_app) -> None:
    # Accepted under a cap of 10,000 pixels, then the operator lowered the worker's cap.
    app = make_app(processor=PillowImageProcessor(max_pixels=5_000))
    user = await app.user()
    task = await app.submit(user, operations='[{"op": "resize", "width": 100, "height": 100, "fit": "fill"}]')

    await app.drain()

    stored = app.stored(task.id)
    assert stored.status == Status.FAILED
    assert stored.error.startswith("the image is too large to process: operations[0]: would make a 100×100 image")
    assert refunds(app, user) == [1]
    assert result_key(task.id) not in app.storage.blobs
    app.assert_books_balance(user)


async def test_a_redelivered_failed_task_is_not_refunded_again(app: Bootstrap) -> None:
    user = await app.user()
    data = noisy_jpeg()
    task = await app.submit(user, image=data[: len(data) // 2])
    await app.drain()

    app.clock.advance(LEASE.total_seconds() * 10)
    assert await app.process_task(task.id) is None
    assert await app.sweep() == 0

    assert refunds(app, user) == [1]
    assert app.stored(task.id).attempts == 1
    app.assert_books_balance(user)


async def test_a_storage_hiccup_is_retried_and_the_task_completes(make_app) -> None:
    app = make_app(storage=FlakyBlobStorage())
    user = await app.user()
    task = await app.submit(user)

    await app.drain()

    assert app.storage.reads == 2
    assert app.stored(task.id).status == Status.COMPLETED
    assert app.stored(task.id).attempts == 1
    assert refunds(app, user) == []
    app.assert_books_balance(user)


async def test_storage_that_keeps_failing_fails_the_task_and_refunds_it(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    app.storage.failing = True

    await app.drain()

    stored = app.stored(task.id)
    assert stored.status == Status.FAILED
    assert "storage" in stored.error
    assert refunds(app, user) == [1]
    assert app.balance(user) == SIGNUP_CREDITS
    app.assert_books_balance(user)


async def test_a_task_whose_source_is_missing_fails_and_is_refunded(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    await app.storage.delete(task.source_key)

    await app.drain()

    assert app.stored(task.id).status == Status.FAILED
    assert refunds(app, user) == [1]
    app.assert_books_balance(user)


async def test_a_task_whose_worker_died_is_reclaimed_once_its_lease_runs_out(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    app.queue.drain()
    await claim_and_abandon(app, task.id)

    app.clock.advance(LEASE.total_seconds() - 1)
    assert await app.process_task(task.id) is None  # the first worker may still be alive

    app.clock.advance(2)
    done = await app.process_task(task.id)

    assert done is not None
    assert (app.stored(task.id).status, app.stored(task.id).attempts) == (Status.COMPLETED, 2)
    assert refunds(app, user) == []
    app.assert_books_balance(user)


async def test_the_late_finish_of_a_superseded_attempt_is_ignored(make_app) -> None:
    stall = Gate("get", "sources/")
    app = make_app(storage=GatedBlobStorage(stall))
    user = await app.user()
    task = await app.submit(user)
    slow = asyncio.create_task(app.process_task(task.id))
    await stall.reached.wait()  # attempt 1 holds the task and stalls
    app.clock.advance(LEASE.total_seconds() + 1)

    fast = await app.process_task(task.id)
    finished_at = app.stored(task.id).finished_at
    app.clock.advance(5)
    stall.open()

    assert await slow is None
    assert fast is not None
    stored = app.stored(task.id)
    assert (stored.status, stored.attempts, stored.finished_at) == (Status.COMPLETED, 2, finished_at)
    assert result_key(task.id) in app.storage.blobs
    assert app.metrics.counts["finished:completed"] == 1
    app.assert_books_balance(user)


async def test_a_superseded_attempt_cannot_finish_while_the_new_attempt_works(make_app) -> None:
    first_read, second_write = Gate("get", "sources/"), Gate("put", "results/")
    app = make_app(storage=GatedBlobStorage(first_read, second_write))
    user = await app.user()
    task = await app.submit(user)
    first = asyncio.create_task(app.process_task(task.id))
    await first_read.reached.wait()
    app.clock.advance(LEASE.total_seconds() + 1)
    second = asyncio.create_task(app.process_task(task.id))
    await second_write.reached.wait()  # attempt 2 owns the task and is about to finish

    first_read.open()
    assert await first is None
    assert (app.stored(task.id).status, app.stored(task.id).attempts) == (Status.PROCESSING, 2)

    app.clock.advance(5)
    second_write.open()
    assert await second is not None
    stored = app.stored(task.id)
    assert (stored.status, stored.attempts, stored.finished_at) == (Status.COMPLETED, 2, app.clock.now())
    assert app.metrics.counts["finished:completed"] == 1
    app.assert_books_balance(user)


async def test_the_failure_of_a_superseded_attempt_neither_fails_nor_refunds_the_task(make_app) -> None:
    first_read = Gate("get", "sources/", then_raise=NotFound("vanished"))
    second_write = Gate("put", "results/")
    app = make_app(storage=GatedBlobStorage(first_read, second_write))
    user = await app.user()
    task = await app.submit(user)
    first = asyncio.create_task(app.process_task(task.id))
    await first_read.reached.wait()
    app.clock.advance(LEASE.total_seconds() + 1)
    second = asyncio.create_task(app.process_task(task.id))
    await second_write.reached.wait()

    first_read.open()
    assert await first is None
    second_write.open()
    assert await second is not None

    assert app.stored(task.id).status == Status.COMPLETED
    assert refunds(app, user) == []
    assert app.balance(user) == SIGNUP_CREDITS - 1
    assert app.metrics.counts["finished:failed"] == 0
    app.assert_books_balance(user)


async def test_the_last_allowed_attempt_still_runs(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    for _ in range(MAX_ATTEMPTS - 1):
        await claim_and_abandon(app, task.id)
        app.clock.advance(LEASE.total_seconds() + 1)

    await app.process_task(task.id)

    assert (app.stored(task.id).status, app.stored(task.id).attempts) == (Status.COMPLETED, MAX_ATTEMPTS)
    assert refunds(app, user) == []
    app.assert_books_balance(user)


async def test_a_task_that_keeps_killing_its_workers_fails_after_the_last_attempt_and_is_refunded(
    app: Bootstrap,
) -> None:
    user = await app.user()
    task = await app.submit(user)
    for _ in range(MAX_ATTEMPTS):
        await claim_and_abandon(app, task.id)
        app.clock.advance(LEASE.total_seconds() + 1)

    failed = await app.process_task(task.id)

    assert failed is not None
    stored = app.stored(task.id)
    assert (stored.status, stored.attempts) == (Status.FAILED, MAX_ATTEMPTS)  # the refused claim started nothing
    assert f"{MAX_ATTEMPTS} attempts" in stored.error
    assert refunds(app, user) == [1]
    assert result_key(task.id) not in app.storage.blobs
    app.assert_books_balance(user)


async def test_a_task_deleted_while_processing_leaves_no_result_behind(make_app) -> None:
    writing = Gate("put", "results/")
    app = make_app(storage=GatedBlobStorage(writing))
    user = await app.user()
    task = await app.submit(user)
    working = asyncio.create_task(app.process_task(task.id))
    await writing.reached.wait()  # the pixels are done; the result is about to be written

    await app.delete_task(user.id, task.id)
    writing.open()

    assert await working is None
    assert app.stored(task.id) is None
    assert app.blob_keys() == set()
    assert refunds(app, user) == []
    assert app.balance(user) == SIGNUP_CREDITS - 1
    app.assert_books_balance(user)
