"""Animated GIF/WebP/AVIF keep every frame, its duration and the loop count; HEIC and AVIF sources open."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from PIL import Image, ImageSequence

from adapters.pillow.processor import PillowImageProcessor
from domain.errors import PermanentFailure
from domain.operations import Crop, Flip, Format, Grayscale, Operation, Resize, Rotate

processor = PillowImageProcessor(max_pixels=50_000_000)
RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
DURATIONS = [100, 200, 300]


def encode(image: Image.Image, format: str = "PNG", **params: Any) -> bytes:
    out = BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def animation(format: str = "GIF", size: tuple[int, int] = (40, 20), loop: int | None = 2) -> bytes:
    """Three frames, red, green and blue, each with a white left half-column marker at x < 10."""
    frames = []
    for colour in (RED, GREEN, BLUE):
        frame = Image.new("RGB", size, colour)
        frame.paste((255, 255, 255), (0, 0, 10, size[1]))
        frames.append(frame)
    params: dict[str, Any] = {"save_all": True, "append_images": frames[1:], "duration": DURATIONS}
    if loop is not None:
        params["loop"] = loop
    return encode(frames[0], format, **params)


def frames_of(data: bytes) -> tuple[Image.Image, list[Image.Image], list[int]]:
    image = Image.open(BytesIO(data))
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        frame.load()
        durations.append(frame.info.get("duration"))
        frames.append(frame.convert("RGB"))
    return image, frames, durations


def near(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


def run(data: bytes, *operations: Operation) -> tuple[bytes, Any]:
    return processor.run(data, operations)


def test_probe_counts_the_frames_of_an_animation() -> None:
    assert processor.probe(animation()).frames == 3
    assert processor.probe(animation("WEBP")).frames == 3
    assert processor.probe(encode(Image.new("RGB", (4, 4)))).frames == 1


def test_a_resized_gif_keeps_every_frame_its_duration_and_the_loop_count() -> None:
    result, info = run(animation(), Resize(20, 20))
    image, frames, durations = frames_of(result)
    assert (info.format, info.width, info.height, info.frames) == ("GIF", 20, 10, 3)
    assert image.info["loop"] == 2
    assert durations == DURATIONS
    assert [near(frame.getpixel((15, 5)), colour) for frame, colour in zip(frames, (RED, GREEN, BLUE), strict=True)] == [True] * 3


def test_crop_flip_rotate_and_grayscale_apply_to_every_frame() -> None:
    result, info = run(animation(), Crop(0, 0, 20, 20), Flip("horizontal"), Rotate(90), Grayscale())
    _, frames, durations = frames_of(result)
    assert (info.width, info.height, info.frames) == (20, 20, 3)
    assert durations == DURATIONS
    # The white marker (x < 10) moved right by the flip, then to the top by a counter-clockwise turn.
    for frame, colour in zip(frames, (RED, GREEN, BLUE), strict=True):
        assert near(frame.getpixel((10, 3)), (255, 255, 255))
        gray = round(0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2])
        assert near(frame.getpixel((10, 16)), (gray, gray, gray), 10)


@pytest.mark.parametrize("target", ["webp", "avif", "gif"])
def test_an_animation_converts_to_another_animated_format(target: str) -> None:
    result, info = run(animation(), Format(target, 90))  # type: ignore[arg-type]
    image, frames, durations = frames_of(result)
    assert (info.format, info.frames) == (target.upper(), 3)
    assert durations == DURATIONS
    assert near(frames[2].getpixel((30, 10)), BLUE)
    if target == "webp":
        assert image.info["loop"] == 2


def test_an_animated_webp_source_stays_an_animated_webp() -> None:
    result, info = run(animation("WEBP", loop=0), Flip("vertical"))
    image, _, durations = frames_of(result)
    assert (info.format, info.frames, image.info["loop"]) == ("WEBP", 3, 0)
    assert durations == DURATIONS


@pytest.mark.parametrize("target", ["jpeg", "png"])
def test_a_still_format_takes_the_first_frame(target: str) -> None:
    result, info = run(animation(), Format(target))  # type: ignore[arg-type]
    assert (info.format, info.frames) == (target.upper(), 1)
    assert near(Image.open(BytesIO(result)).convert("RGB").getpixel((30, 10)), RED)


def test_a_still_gif_still_becomes_png() -> None:
    _, info = run(encode(Image.new("RGB", (8, 8), RED), "GIF"), Flip("vertical"))
    assert (info.format, info.frames) == ("PNG", 1)


def test_frames_times_pixels_count_against_the_budget() -> None:
    small = PillowImageProcessor(max_pixels=2_000)  # 40×20 is 800 pixels a frame, 2,400 for three
    with pytest.raises(PermanentFailure, match="too large"):
        small.run(animation(), ())
    _, info = small.run(animation(), (Format("png"),))  # one frame fits
    assert info.frames == 1


def test_a_heic_phone_photo_opens_and_becomes_a_jpeg() -> None:
    source = encode(Image.new("RGB", (64, 48), GREEN), "HEIF")
    assert processor.probe(source).format == "HEIF"
    result, info = run(source, Resize(32, 32))
    assert (info.format, info.width, info.height) == ("JPEG", 32, 24)
    assert near(Image.open(BytesIO(result)).getpixel((16, 12)), GREEN)


def test_a_smart_crop_of_an_animation_stays_where_the_first_frame_put_it() -> None:
    frames = []
    for x in (10, 250):  # the detailed subject jumps from left to right in the second frame
        frame = Image.new("RGB", (300, 100), (90, 90, 90))
        frame.paste(Image.effect_noise((40, 40), 90).convert("RGB"), (x, 30))
        frames.append(frame)
    source = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=[100, 100], lossless=True)
    result, info = run(source, Resize(100, 100, "cover", "smart"))
    _, out, _ = frames_of(result)
    assert info.frames == 2
    spread = [max(f.convert("L").getextrema()) - min(f.convert("L").getextrema()) for f in out]
    assert spread[0] > 40  # the first frame's subject is kept
    assert spread[1] < spread[0] / 3, spread  # the second frame is cropped at the same place, where it is flat
