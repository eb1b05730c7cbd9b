"""Every completed task has a small WebP preview of its result, made in the same attempt."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from PIL import Image

from adapters.pillow.processor import PillowImageProcessor
from domain.errors import ResultNotReady, TaskNotFound
from domain.operations import Format
from domain.tasks import Status, preview_key
from tests.unit.conftest import Bootstrap, png, read_all


async def test_a_completed_task_serves_a_webp_preview_of_its_result(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user, image=png(90, 60), operations=json.dumps([{"op": "flip", "direction": "vertical"}]))
    [done] = await app.drain()
    assert done is not None and done.status == Status.COMPLETED

    preview = await app.get_preview(user.id, task.id)

    data = await read_all(preview.chunks)
    image = Image.open(BytesIO(data))
    assert (image.format, image.size) == ("WEBP", (320, 213))  # every preview at one scale, small results too
    assert preview.info.content_type == "image/webp" and preview.info.bytes == len(data)
    assert (preview.info.width, preview.info.height) == image.size


async def test_there_is_no_preview_before_completion_nor_for_another_user(app: Bootstrap) -> None:
    alice, mallory = await app.user(), await app.user()
    task = await app.submit(alice)
    with pytest.raises(ResultNotReady):
        await app.get_preview(alice.id, task.id)
    await app.drain()
    with pytest.raises(TaskNotFound):
        await app.get_preview(mallory.id, task.id)


async def test_deleting_a_task_removes_its_preview(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    await app.drain()
    assert preview_key(task.id) in app.blob_keys()
    await app.delete_task(user.id, task.id)
    assert app.blob_keys() == set()


def test_a_preview_is_a_webp_whose_longest_side_is_320() -> None:
    processor = PillowImageProcessor(max_pixels=50_000_000)
    for size, expected in (((1000, 500), (320, 160)), ((300, 1200), (80, 320)), ((10, 5), (320, 160)), ((2000, 3), (320, 1))):
        out = BytesIO()
        Image.new("RGB", size, (10, 200, 30)).save(out, "JPEG")
        image = Image.open(BytesIO(processor.preview(out.getvalue())))
        assert (image.format, image.size) == ("WEBP", expected)
        red, green, blue = image.convert("RGB").getpixel((expected[0] // 2, expected[1] // 2))
        assert green > 150 and red < 60 and blue < 80


def test_an_animations_preview_is_its_first_frame() -> None:
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    image = Image.open(BytesIO(PillowImageProcessor(max_pixels=50_000_000).preview(out.getvalue())))
    assert getattr(image, "n_frames", 1) == 1
    assert image.convert("RGB").getpixel((20, 20))[0] > 200



def test_a_preview_of_a_result_just_made_comes_from_its_pixels_not_a_decode(monkeypatch: pytest.MonkeyPatch) -> None:
    processor = PillowImageProcessor(max_pixels=50_000_000)
    source = BytesIO()
    Image.new("RGBA", (900, 600), (10, 200, 30, 0)).save(source, "PNG")  # transparent: JPEG flattens it onto white
    to_jpeg = (Format("jpeg", 85),)
    result, _ = processor.run(source.getvalue(), to_jpeg)
    reference = Image.open(BytesIO(processor.preview(result)))  # made by decoding the result
    open_image = Image.open

    result, _ = processor.run(source.getvalue(), to_jpeg)
    monkeypatch.setattr(Image, "open", _refuse_to_decode)
    preview = open_image(BytesIO(processor.preview(result)))

    assert (preview.format, preview.size) == ("WEBP", (320, 213)) == (reference.format, reference.size)
    centre = preview.convert("RGB").getpixel((160, 106))
    assert min(centre) > 240 and centre == reference.convert("RGB").getpixel((160, 106))  # white, as the JPEG shows


def _refuse_to_decode(*args: object, **kwargs: object) -> Image.Image:
    raise AssertionError("the result was decoded again")
