"""Presets: a user's named pipelines (at most 50), given by name at submission instead of the operations."""

from __future__ import annotations

import json

import pytest

from domain.credits import Reason
from domain.errors import PresetNameTaken, PresetNotFound, TooManyPresets, ValidationFailed
from domain.operations import MAX_OPERATIONS, Crop, Operation, Grayscale, Resize, Sharpen, Watermark
from domain.presets import MAX_PRESETS
from tests.unit.conftest import SIGNUP_CREDITS, Bootstrap

SQUARE = (Resize(16, 16, "cover", "smart"), Grayscale())


async def test_a_preset_is_saved_listed_read_and_deleted(app: Bootstrap) -> None:
    user = await app.user()
    preset = await app.create_preset(user.id, "square-gray", SQUARE)
    assert preset.operations == (Resize(16, 16, "cover", "smart"), Grayscale())

    assert [p.name for p in (await app.list_presets(user.id, 20, None)).items] == ["square-gray"]
    assert await app.get_preset(user.id, "square-gray") == preset
    await app.delete_preset(user.id, "square-gray")
    with pytest.raises(PresetNotFound):
        await app.get_preset(user.id, "square-gray")
    with pytest.raises(PresetNotFound):
        await app.delete_preset(user.id, "square-gray")


async def test_presets_belong_to_their_owner(app: Bootstrap) -> None:
    alice, mallory = await app.user(), await app.user()
    await app.create_preset(alice.id, "mine", SQUARE)
    await app.create_preset(mallory.id, "mine", (Sharpen(),))  # the same name, another owner
    with pytest.raises(PresetNotFound):
        await app.delete_preset(mallory.id, "nope")
    assert (await app.get_preset(alice.id, "mine")).operations[1] == Grayscale()


async def test_a_name_is_used_once_per_user(app: Bootstrap) -> None:
    user = await app.user()
    await app.create_preset(user.id, "a", SQUARE)
    with pytest.raises(PresetNameTaken):
        await app.create_preset(user.id, "a", (Sharpen(),))
    assert len((await app.list_presets(user.id, 20, None)).items) == 1


async def test_at_most_fifty_presets_per_user(app: Bootstrap) -> None:
    user = await app.user()
    for index in range(MAX_PRESETS):
        await app.create_preset(user.id, f"p{index}", SQUARE)
    with pytest.raises(TooManyPresets):
        await app.create_preset(user.id, "one-more", SQUARE)
    await app.delete_preset(user.id, "p0")
    await app.create_preset(user.id, "one-more", SQUARE)


@pytest.mark.parametrize(
    ("name", "operations", "field"),
    [
        ("", SQUARE, "name"),
        ("has space", SQUARE, "name"),
        ("-dash-first", SQUARE, "name"),
        ("x" * 65, SQUARE, "name"),
        ("ok", (), "operations"),
        ("ok", (Crop(0, 0, 0, 1),), "operations[0].width"),  # built past the parser, still held to its rules
        ("ok", (Grayscale(),) * (MAX_OPERATIONS + 1), "operations"),
    ],
)
async def test_an_invalid_preset_is_refused_naming_its_field(app: Bootstrap, name: str, operations: tuple[Operation, ...], field: str) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.create_preset(user.id, name, operations)
    assert field in [error.field for error in exc.value.errors]


async def test_a_submission_naming_a_preset_runs_a_copy_of_its_operations(app: Bootstrap) -> None:
    user = await app.user()
    await app.create_preset(user.id, "mark", (Crop(0, 0, 20, 20), Watermark("A")))
    task = await app.submit(user, preset="mark")
    await app.delete_preset(user.id, "mark")  # the task keeps its copy
    assert task.operations == (Crop(0, 0, 20, 20), Watermark("A"))
    [done] = await app.drain()
    assert done is not None and done.result is not None and (done.result.width, done.result.height) == (20, 20)


@pytest.mark.parametrize(
    ("preset", "operations"),
    [("missing", None), ("bad name!", None), ("mark", json.dumps([{"op": "grayscale"}]))],
    ids=["unknown", "malformed", "both-given"],
)
async def test_a_bad_preset_at_submission_is_422_on_the_preset_field_and_charges_nothing(
    app: Bootstrap, preset: str, operations: str | None
) -> None:
    user = await app.user()
    await app.create_preset(user.id, "mark", SQUARE)
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, preset=preset, operations=operations)
    assert [error.field for error in exc.value.errors] == ["preset"]
    assert app.balance(user) == SIGNUP_CREDITS
    assert [entry.reason for entry in app.ledger(user)] == [Reason.SIGNUP_BONUS]


async def test_a_preset_crop_is_still_checked_against_the_uploaded_image(app: Bootstrap) -> None:
    user = await app.user()
    await app.create_preset(user.id, "big-crop", (Crop(0, 0, 100, 100),))
    with pytest.raises(ValidationFailed) as exc:
        await app.submit(user, preset="big-crop")  # the default upload is 32×24
    assert [error.field for error in exc.value.errors] == ["operations[0]"]


async def test_a_batch_may_name_a_preset_and_its_crops_are_checked_per_file(app: Bootstrap) -> None:
    from application.use_cases.submit_batch import SubmitBatch, SubmitBatchCommand
    from tests.unit.conftest import MAX_PIXELS, TASK_COST, jpeg

    batch = SubmitBatch(
        app.uow, app.storage, app.queue, app.processor, app.clock, app.ids, app.metrics, TASK_COST, max_pixels=MAX_PIXELS
    )
    user = await app.user()
    await app.create_preset(user.id, "corner", (Crop(0, 0, 30, 20),))
    tasks = await batch(SubmitBatchCommand(user.id, "pair", [jpeg(32, 24), jpeg(40, 30)], preset="corner"))
    assert [task.operations for task in tasks] == [(Crop(0, 0, 30, 20),)] * 2
    with pytest.raises(ValidationFailed) as exc:
        await batch(SubmitBatchCommand(user.id, "pair", [jpeg(32, 24), jpeg(20, 20)], preset="corner"))
    assert [error.field for error in exc.value.errors] == ["image[1]"]
