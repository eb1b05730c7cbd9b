"""SubmitBatch on the fakes: every file valid and every credit there, or nothing at all."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from application.use_cases.submit_batch import SubmitBatch, SubmitBatchCommand
from domain.credits import Reason
from domain.errors import IdempotencyKeyReused, InsufficientCredits, UnsupportedImage, ValidationFailed
from domain.users import User
from tests.unit.conftest import MAX_PIXELS, TASK_COST, Bootstrap, as_values, jpeg, png
from tests.unit.test_submit_task import InterleavingBlobStorage


def batch_of(app: Bootstrap) -> SubmitBatch:
    return SubmitBatch(
        app.uow, app.storage, app.queue, app.processor, app.clock, app.ids, app.metrics, TASK_COST, max_pixels=MAX_PIXELS
    )


def command(user: User, images: list[bytes], **fields: Any) -> SubmitBatchCommand:
    return SubmitBatchCommand(owner_id=user.id, title=fields.pop("title", "holiday"), images=images, **as_values(fields))


def assert_nothing_charged(app: Bootstrap, user: User, credits: int) -> None:
    assert app.balance(user) == credits
    assert [e.reason for e in app.ledger(user)] == [Reason.SIGNUP_BONUS]
    assert app.database.state.tasks == {}
    assert app.blob_keys() == set()
    assert app.queue.enqueued == []


async def test_a_batch_charges_one_credit_per_file_and_queues_them_in_file_order(app: Bootstrap) -> None:
    user = await app.user(credits=5)
    images = [jpeg(10, 10), png(20, 10), jpeg(30, 10)]

    tasks = await batch_of(app)(command(user, images, metadata='{"album": "x"}'))

    assert [t.source.width for t in tasks] == [10, 20, 30]
    assert [t.title for t in tasks] == ["holiday 1", "holiday 2", "holiday 3"]
    assert all(t.metadata == {"album": "x"} for t in tasks)
    assert app.balance(user) == 2
    assert sorted(e.task_id for e in app.ledger(user) if e.reason == Reason.TASK_CHARGE) == sorted(t.id for t in tasks)
    assert app.queue.enqueued == [t.id for t in tasks]


async def test_a_batch_one_credit_short_charges_nothing(app: Bootstrap) -> None:
    user = await app.user(credits=2)
    with pytest.raises(InsufficientCredits):
        await batch_of(app)(command(user, [jpeg()] * 3))
    assert_nothing_charged(app, user, 2)


async def test_one_file_that_is_not_an_image_refuses_the_batch_naming_its_index(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(UnsupportedImage) as exc:
        await batch_of(app)(command(user, [jpeg(), jpeg(), b"not an image"]))
    assert [e.field for e in exc.value.errors or []] == ["image[2]"]
    assert_nothing_charged(app, user, 10)


async def test_one_file_over_the_pixel_budget_refuses_the_batch_naming_its_index(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await batch_of(app)(command(user, [jpeg(101, 100), jpeg()]))
    assert [e.field for e in exc.value.errors] == ["image[0]"]
    assert_nothing_charged(app, user, 10)


@pytest.mark.parametrize("count", [0, 21])
async def test_a_batch_has_one_to_twenty_files(app: Bootstrap, count: int) -> None:
    user = await app.user(credits=30)
    with pytest.raises(ValidationFailed):
        await batch_of(app)(command(user, [jpeg()] * count))
    assert_nothing_charged(app, user, 30)


async def test_twenty_files_is_a_batch(app: Bootstrap) -> None:
    user = await app.user(credits=20)
    assert len(await batch_of(app)(command(user, [jpeg()] * 20))) == 20
    assert app.balance(user) == 0


async def test_bad_operations_refuse_the_batch(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed):
        await batch_of(app)(command(user, [jpeg()], operations=json.dumps([{"op": "explode"}])))
    assert_nothing_charged(app, user, 10)


async def test_a_retried_batch_with_its_idempotency_key_returns_the_same_tasks_without_a_second_charge(
    app: Bootstrap,
) -> None:
    user = await app.user()
    first = await batch_of(app)(command(user, [jpeg(), png()], idempotency_key="k1"))
    again = await batch_of(app)(command(user, [jpeg(), png()], idempotency_key="k1"))

    assert [t.id for t in again] == [t.id for t in first]
    assert app.balance(user) == 8
    with pytest.raises(IdempotencyKeyReused):
        await batch_of(app)(command(user, [png(), jpeg()], idempotency_key="k1"))


async def test_concurrent_batches_never_overspend_and_each_is_whole_or_nothing(make_app: Any) -> None:
    app = make_app(storage=InterleavingBlobStorage())
    user = await app.user(credits=7)

    results = await asyncio.gather(
        *(batch_of(app)(command(user, [jpeg()] * 3, title=f"b{n}")) for n in range(5)), return_exceptions=True
    )

    accepted = [r for r in results if isinstance(r, list)]
    assert len(accepted) == 2 and all(isinstance(r, InsufficientCredits) for r in results if r not in accepted)
    assert app.balance(user) == 1
    assert len(app.database.state.tasks) == 6
    assert app.blob_keys() == {t.source_key for batch in accepted for t in batch}
