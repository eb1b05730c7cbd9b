"""SubmitTask: validate everything, then charge, store the upload and insert in one transaction, then enqueue."""

from __future__ import annotations

import asyncio
import json
from io import BytesIO
from datetime import timedelta

import pytest
from dependency_injector import providers
from PIL import Image

from adapters.memory.storage import MemoryBlobStorage
from adapters.memory.unit_of_work import MemoryUnitOfWork
from application.use_cases.submit_task import SubmitTask
from domain.credits import Reason
from domain.memory_budget import RUN_OVERHEAD
from domain.errors import (
    DependencyUnavailable,
    IdempotencyKeyReused,
    InsufficientCredits,
    UnsupportedImage,
    ValidationFailed,
)
from domain.operations import DEFAULT_PIPELINE, Format, Rotate
from domain.tasks import Status
from domain.users import User
from tests.unit.conftest import (
    MAX_PIXELS,
    QUEUED_AFTER,
    SIGNUP_CREDITS,
    TASK_COST,
    Bootstrap,
    NonReentrantUnitOfWork,
    jpeg,
    png,
)


class InterleavingBlobStorage(MemoryBlobStorage):
    """Yields to the other submitters before storing: whoever can interleave with the upload gets the chance."""

    def __init__(self) -> None:
        super().__init__()
        self.puts = 0

    async def put(self, key: str, data: bytes) -> None:
        self.puts += 1
        await asyncio.sleep(0)
        await super().put(key, data)


class YieldingUnitOfWork(NonReentrantUnitOfWork):
    """Yields to the other submitters before each transaction, so that twins both pass the replay check."""

    async def __aenter__(self) -> MemoryUnitOfWork:
        await asyncio.sleep(0)
        return await super().__aenter__()


def assert_nothing_happened(app: Bootstrap, user: User) -> None:
    assert app.balance(user) == SIGNUP_CREDITS
    assert [e.reason for e in app.ledger(user)] == [Reason.SIGNUP_BONUS]
    assert app.database.state.tasks == {}
    assert app.blob_keys() == set()
    assert app.queue.enqueued == []
    app.assert_books_balance(user)


async def test_a_submission_charges_one_credit_and_queues_the_task(app: Bootstrap) -> None:
    user = await app.user()
    image = jpeg()

    submitted = await app.submit_task(app.command(user, image=image, title=" Sunset ", metadata='{"album": "trip"}'))

    task = submitted.task
    assert submitted.replayed is False
    assert (task.status, task.title, task.metadata, task.attempts) == (Status.QUEUED, "Sunset", {"album": "trip"}, 0)
    assert task.source.to_dict() == {"format": "JPEG", "width": 32, "height": 24, "mode": "RGB", "bytes": len(image)}
    assert app.balance(user) == SIGNUP_CREDITS - 1
    charge = app.ledger(user)[-1]
    assert (charge.reason, charge.delta, charge.task_id, charge.balance_after) == (
        Reason.TASK_CHARGE,
        -1,
        task.id,
        SIGNUP_CREDITS - 1,
    )
    assert app.stored(task.id) is not None
    assert app.storage.blobs[task.source_key] == image
    assert app.queue.enqueued == [task.id]
    assert app.metrics.counts["submitted"] == 1
    app.assert_books_balance(user)


async def test_the_image_format_is_sniffed_from_the_bytes(app: Bootstrap) -> None:
    task = await app.submit(await app.user(), image=png(20, 10))
    assert (task.source.format, task.source.width, task.source.height) == ("PNG", 20, 10)


@pytest.mark.parametrize("operations", [None, "", "  ", "[]"])
async def test_absent_or_empty_operations_run_the_default_pipeline(app: Bootstrap, operations: str | None) -> None:
    task = await app.submit(await app.user(), operations=operations)
    assert task.operations == DEFAULT_PIPELINE


async def test_the_given_operations_are_kept_in_order(app: Bootstrap) -> None:
    ops = [{"op": "rotate", "degrees": 90}, {"op": "format", "format": "png"}]
    task = await app.submit(await app.user(), operations=json.dumps(ops))
    assert task.operations == (Rotate(90), Format("png", 85))


@pytest.mark.parametrize(
    "operations",
    [
        json.dumps([{"op": "grayscale"}] * 11),
        json.dumps([{"op": "explode"}]),
        json.dumps([{"op": "resize", "width": 0, "height": 10}]),
        json.dumps([{"op": "blur", "radius": 51}]),
        json.dumps({"op": "grayscale"}),
        "[{",
        json.dumps([{"op": "crop", "left": 30, "top": 0, "width": 3, "height": 3}]),
        json.dumps([{"op": "thumbnail", "size": 16}, {"op": "crop", "left": 0, "top": 0, "width": 17, "height": 1}]),
    ],
    ids=["eleven", "unknown-op", "width-zero", "blur-too-strong", "not-a-list", "invalid-json", "crop-outside", "crop-after-shrink"],
)
async def test_invalid_operations_are_refused_before_anything_is_charged_or_stored(
    app: Bootstrap, operations: str
) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed):
        await app.submit(user, operations=operations)
    assert_nothing_happened(app, user)


@pytest.mark.parametrize(
    "metadata",
    ["[1, 2]", '"text"', "42", "{not json", json.dumps({"k": "x" * 16 * 1024})],
    ids=["array", "string", "number", "invalid-json", "over-16-KiB"],
)
async def test_metadata_must_be_a_json_object_of_at_most_16_kib(app: Bootstrap, metadata: str) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, metadata=metadata)
    assert [e.field for e in exc.value.errors] == ["metadata"]
    assert_nothing_happened(app, user)


@pytest.mark.parametrize("field", ["metadata", "operations"])
async def test_json_nested_too_deeply_is_refused_as_invalid(app: Bootstrap, field: str) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, **{field: "[" * 5000 + "]" * 5000})
    assert [e.field for e in exc.value.errors] == [field]
    assert_nothing_happened(app, user)


async def test_metadata_of_exactly_16_kib_is_accepted(app: Bootstrap) -> None:
    padding = 16 * 1024 - len(json.dumps({"k": ""}))
    metadata = json.dumps({"k": "x" * padding})
    assert len(metadata.encode()) == 16 * 1024
    task = await app.submit(await app.user(), metadata=metadata)
    assert task.metadata == {"k": "x" * padding}


@pytest.mark.parametrize("title", ["", "   ", "x" * 201], ids=["empty", "blank", "too-long"])
async def test_a_title_of_1_to_200_characters_is_required(app: Bootstrap, title: str) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, title=title)
    assert [e.field for e in exc.value.errors] == ["title"]
    assert_nothing_happened(app, user)


@pytest.mark.parametrize(
    "image", [b"", b"hello, I am a text file", b"GIF89a-truncated"], ids=["empty", "text", "bad-gif"]
)
async def test_a_file_that_is_not_an_image_is_unsupported(app: Bootstrap, image: bytes) -> None:
    user = await app.user()
    with pytest.raises(UnsupportedImage):
        await app.submit(user, image=image)
    assert_nothing_happened(app, user)


async def test_an_image_with_too_many_pixels_is_refused(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, image=jpeg(101, 100))  # 10,100 pixels, the cap is 10,000
    assert [e.field for e in exc.value.errors] == ["image"]
    assert_nothing_happened(app, user)


def gif_animation(width: int, height: int, frames: int) -> bytes:
    images = [Image.new("RGB", (width, height), (40 * i, 0, 0)) for i in range(frames)]
    out = BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=50)
    return out.getvalue()


async def test_an_animation_counts_frames_times_pixels_against_the_cap(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, image=gif_animation(80, 50, 3))  # 4,000 pixels a frame, 12,000 in all
    assert [e.field for e in exc.value.errors] == ["image"]
    assert_nothing_happened(app, user)


async def test_an_animation_turned_into_a_still_counts_one_frame(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user, image=gif_animation(80, 50, 3), operations=json.dumps([{"op": "format", "format": "png"}]))
    assert task.source.frames == 3


async def test_a_pipeline_that_would_grow_past_the_pixel_cap_is_refused_naming_the_operation(app: Bootstrap) -> None:
    user = await app.user()
    operations = json.dumps([{"op": "grayscale"}, {"op": "resize", "width": 100, "height": 101, "fit": "fill"}])
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, operations=operations)  # 10,100 pixels, the cap is 10,000
    assert [e.field for e in exc.value.errors] == ["operations[1]"]
    assert_nothing_happened(app, user)


async def test_a_rotation_that_grows_the_canvas_past_the_cap_is_refused(app: Bootstrap) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, image=jpeg(80, 80), operations=json.dumps([{"op": "rotate", "degrees": 45}]))
    assert [e.field for e in exc.value.errors] == ["operations[0]"]  # 80×80 fits; turned it needs 114×114
    assert_nothing_happened(app, user)


async def test_a_pipeline_exactly_at_the_pixel_cap_is_accepted(app: Bootstrap) -> None:
    operations = json.dumps([{"op": "resize", "width": 100, "height": 100, "fit": "cover"}])
    task = await app.submit(await app.user(), operations=operations)
    assert task.status == Status.QUEUED


async def test_a_pipeline_needing_more_memory_than_a_worker_has_is_refused_naming_where(app: Bootstrap) -> None:
    user = await app.user()
    submit = SubmitTask(
        app.uow, app.storage, app.queue, app.processor, app.clock, app.ids, app.metrics, TASK_COST,
        max_pixels=MAX_PIXELS, memory_bytes=RUN_OVERHEAD + 100_000,
    )
    operations = json.dumps([{"op": "resize", "width": 100, "height": 100, "fit": "fill"}, {"op": "format", "format": "avif"}])
    with pytest.raises(ValidationFailed) as exc:
        await submit(app.command(user, operations=operations))
    [error] = exc.value.errors
    assert error.field == "operations[1]" and "MB of memory" in error.message
    assert_nothing_happened(app, user)
    assert (await submit(app.command(user))).task.status == Status.QUEUED  # the default pipeline fits


async def test_a_user_without_credits_is_refused_and_nothing_is_stored(app: Bootstrap) -> None:
    user = await app.user(credits=0)
    with pytest.raises(InsufficientCredits):
        await app.submit(user)
    assert_nothing_stored(app, user)


def assert_nothing_stored(app: Bootstrap, user: User) -> None:
    assert app.balance(user) == 0
    assert app.database.state.tasks == {}
    assert app.blob_keys() == set()
    assert app.queue.enqueued == []
    app.assert_books_balance(user)


async def test_the_charge_decides_before_the_upload_touches_storage(make_app) -> None:
    app = make_app(storage=InterleavingBlobStorage())
    user = await app.user(credits=0)
    app.storage.failing = True
    with pytest.raises(InsufficientCredits):  # not DependencyUnavailable: storage was never asked
        await app.submit(user)
    app.storage.failing = False
    assert app.storage.puts == 0
    assert_nothing_stored(app, user)


async def test_the_last_credit_can_be_spent_and_then_no_more(app: Bootstrap) -> None:
    user = await app.user(credits=1)
    await app.submit(user)
    with pytest.raises(InsufficientCredits):
        await app.submit(user)
    assert app.balance(user) == 0
    assert len(app.blob_keys()) == 1
    app.assert_books_balance(user)


async def test_a_retry_with_the_same_idempotency_key_returns_the_first_task_without_a_second_charge(
    app: Bootstrap,
) -> None:
    user = await app.user()
    first = await app.submit_task(app.command(user, idempotency_key="k-1", metadata='{"a": 1}'))
    retry = await app.submit_task(app.command(user, idempotency_key="k-1", metadata='{"a": 1}'))

    assert retry.replayed is True
    assert retry.task.id == first.task.id
    assert app.balance(user) == SIGNUP_CREDITS - 1
    assert len(app.database.state.tasks) == 1
    assert app.queue.enqueued == [first.task.id]
    app.assert_books_balance(user)


async def test_a_retry_replays_even_after_the_first_submission_spent_the_last_credit(app: Bootstrap) -> None:
    user = await app.user(credits=1)
    first = await app.submit(user, idempotency_key="k")
    retry = await app.submit_task(app.command(user, idempotency_key="k"))
    assert (retry.task.id, retry.replayed) == (first.id, True)
    app.assert_books_balance(user)


@pytest.mark.parametrize(
    "change",
    [{"title": "another title"}, {"image": png()}, {"metadata": '{"a": 2}'}, {"operations": '[{"op": "sharpen"}]'}],
    ids=["title", "image", "metadata", "operations"],
)
async def test_the_same_idempotency_key_with_a_different_request_is_refused(app: Bootstrap, change: dict) -> None:
    user = await app.user()
    first = await app.submit(user, idempotency_key="k", metadata='{"a": 1}')
    with pytest.raises(IdempotencyKeyReused):
        await app.submit(user, **{"idempotency_key": "k", "metadata": '{"a": 1}', **change})
    assert list(app.database.state.tasks) == [first.id]
    assert app.balance(user) == SIGNUP_CREDITS - 1
    assert app.blob_keys() == {first.source_key}
    app.assert_books_balance(user)


async def test_idempotency_keys_belong_to_one_user(app: Bootstrap) -> None:
    alice, bob = await app.user(), await app.user()
    mine = await app.submit(alice, idempotency_key="k")
    theirs = await app.submit(bob, idempotency_key="k", title="bob's")
    assert mine.id != theirs.id
    assert app.balance(bob) == SIGNUP_CREDITS - 1


async def test_an_idempotency_key_older_than_24_hours_can_be_used_again(app: Bootstrap) -> None:
    user = await app.user()
    first = await app.submit(user, idempotency_key="k")
    app.clock.advance(timedelta(hours=24, seconds=1).total_seconds())

    again = await app.submit_task(app.command(user, idempotency_key="k", title="a new photo"))

    assert again.replayed is False
    assert again.task.id != first.id
    assert app.balance(user) == SIGNUP_CREDITS - 2
    retry = await app.submit_task(app.command(user, idempotency_key="k", title="a new photo"))
    assert (retry.task.id, retry.replayed) == (again.task.id, True)
    app.assert_books_balance(user)


async def test_an_idempotency_key_is_still_kept_just_before_24_hours(app: Bootstrap) -> None:
    user = await app.user()
    await app.submit(user, idempotency_key="k")
    app.clock.advance(timedelta(hours=24).total_seconds() - 1)
    with pytest.raises(IdempotencyKeyReused):
        await app.submit(user, idempotency_key="k", title="different")


@pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak"], ids=["empty", "too-long", "control-char"])
async def test_a_malformed_idempotency_key_is_refused(app: Bootstrap, key: str) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed):
        await app.submit(user, idempotency_key=key)
    assert_nothing_happened(app, user)


async def test_with_the_queue_down_the_task_is_accepted_and_the_sweeper_enqueues_it_later(app: Bootstrap) -> None:
    user = await app.user()
    app.queue.down = True

    task = await app.submit(user)

    assert app.stored(task.id).status == Status.QUEUED
    assert app.balance(user) == SIGNUP_CREDITS - 1
    assert app.queue.enqueued == []
    app.queue.down = False
    assert await app.sweep() == 0  # not stale yet
    app.clock.advance(QUEUED_AFTER.total_seconds() + 1)
    assert await app.sweep() == 1
    assert app.queue.enqueued == [task.id]
    await app.drain()
    assert app.stored(task.id).status == Status.COMPLETED
    assert app.balance(user) == SIGNUP_CREDITS - 1
    app.assert_books_balance(user)


async def test_with_storage_down_the_submission_fails_and_nothing_is_charged(app: Bootstrap) -> None:
    user = await app.user()
    app.storage.failing = True
    with pytest.raises(DependencyUnavailable):
        await app.submit(user)
    app.storage.failing = False
    assert_nothing_happened(app, user)


async def test_twenty_concurrent_submissions_with_one_credit_accept_exactly_one(make_app) -> None:
    app = make_app(storage=InterleavingBlobStorage())
    user = await app.user(credits=1)

    results = await asyncio.gather(
        *(app.submit(user, title=f"photo {n}") for n in range(20)), return_exceptions=True
    )

    accepted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, InsufficientCredits)]
    assert app.storage.puts == 1  # no early check: the conditional spend refused the 19 before any upload
    assert (len(accepted), len(refused)) == (1, 19)
    assert app.balance(user) == 0
    assert sum(e.delta for e in app.ledger(user)) == 0
    assert list(app.database.state.tasks) == [accepted[0].id]
    assert app.blob_keys() == {accepted[0].source_key}  # the losers' uploads are deleted
    assert app.queue.enqueued == [accepted[0].id]
    app.assert_books_balance(user)


async def test_two_concurrent_twins_with_one_idempotency_key_make_one_task_and_one_charge(make_app) -> None:
    app = make_app(storage=InterleavingBlobStorage())
    app.container.uow.override(providers.Factory(YieldingUnitOfWork, app.database))
    user = await app.user()

    first, second = await asyncio.gather(
        app.submit_task(app.command(user, idempotency_key="k")),
        app.submit_task(app.command(user, idempotency_key="k")),
    )

    assert app.storage.puts == 2  # both were charged and stored: the unique key decided at the insert
    assert first.task.id == second.task.id
    assert sorted([first.replayed, second.replayed]) == [False, True]
    assert app.balance(user) == SIGNUP_CREDITS - 1
    assert app.blob_keys() == {first.task.source_key}
    app.assert_books_balance(user)
