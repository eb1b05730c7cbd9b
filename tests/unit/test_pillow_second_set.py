"""The second set of operations on real pixels: a known image in, measured size, colours and encoding out."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageStat

from adapters.pillow.processor import PillowImageProcessor
from domain.errors import PermanentFailure
from domain.operations import Crop, Format, Grayscale, Operation, Pad, Resize, Watermark

processor = PillowImageProcessor(max_pixels=50_000_000)
RED, GREEN, BLUE, WHITE, BLACK = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0)


def encode(image: Image.Image, format: str = "PNG", **params: Any) -> bytes:
    out = BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def run(data: bytes, *operations: Operation) -> Image.Image:
    result, info = processor.run(data, operations)
    image = Image.open(BytesIO(result))
    image.load()
    assert (info.width, info.height, info.format) == (image.width, image.height, image.format)
    return image


def quadrants(size: tuple[int, int] = (200, 100)) -> bytes:
    """Red top-left, green top-right, blue bottom-left, white bottom-right."""
    image = Image.new("RGB", size, WHITE)
    w, h = size
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w // 2 - 1, h // 2 - 1), RED)
    draw.rectangle((w // 2, 0, w - 1, h // 2 - 1), GREEN)
    draw.rectangle((0, h // 2, w // 2 - 1, h - 1), BLUE)
    return encode(image)


def near(pixel: tuple[int, ...], colour: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=False))


# crop


def test_crop_keeps_the_box_in_source_pixels() -> None:
    image = run(quadrants(), Crop(left=100, top=0, width=100, height=50))
    assert image.size == (100, 50)
    assert ImageStat.Stat(image).extrema == [(0, 0), (255, 255), (0, 0)]  # all green


def test_crop_after_a_resize_works_in_the_resized_pixels() -> None:
    image = run(quadrants(), Resize(100, 50, "fill"), Crop(left=0, top=25, width=50, height=25))
    assert image.size == (50, 25)
    assert near(image.getpixel((25, 12)), BLUE)


def test_the_worker_refuses_a_crop_box_outside_the_image_rather_than_padding_it() -> None:
    with pytest.raises(PermanentFailure, match="outside"):
        processor.run(quadrants(), (Crop(left=150, top=0, width=100, height=50),))


# cover gravity


@pytest.mark.parametrize(
    ("gravity", "colour"),
    [("west", RED), ("east", GREEN), (None, None), ("northwest", RED), ("southeast", WHITE)],
)
def test_cover_gravity_chooses_which_part_is_kept(gravity: str | None, colour: tuple[int, int, int] | None) -> None:
    # A 200×100 source covered into 50×100 keeps a 50-wide column of the source.
    image = run(quadrants(), Resize(50, 100, "cover", gravity))
    assert image.size == (50, 100)
    if colour is None:  # centre: the column straddles the middle, so its top row is half red, half green
        assert near(image.getpixel((10, 10)), RED) and near(image.getpixel((40, 10)), GREEN)
    elif gravity in ("west", "east"):
        assert near(image.getpixel((25, 10)), colour)
    else:
        assert near(image.getpixel((25, 10 if gravity.startswith("north") else 90)), colour)


def test_north_and_south_gravity_crop_a_tall_source_at_its_ends() -> None:
    tall = Image.new("RGB", (100, 200), WHITE)
    ImageDraw.Draw(tall).rectangle((0, 0, 99, 49), RED)
    ImageDraw.Draw(tall).rectangle((0, 150, 99, 199), BLUE)
    north = run(encode(tall), Resize(100, 50, "cover", "north"))
    south = run(encode(tall), Resize(100, 50, "cover", "south"))
    assert near(north.getpixel((50, 25)), RED)
    assert near(south.getpixel((50, 25)), BLUE)


@pytest.mark.parametrize("corner", [(30, 30), (520, 30), (30, 250), (520, 250), (300, 150)])
def test_smart_gravity_keeps_a_small_detailed_subject_on_a_flat_background(corner: tuple[int, int]) -> None:
    flat = Image.new("RGB", (600, 300), (120, 160, 200))
    subject = Image.effect_noise((50, 50), 90).convert("RGB")
    flat.paste(subject, corner)
    image = run(encode(flat), Resize(100, 100, "cover", "smart"))
    assert image.size == (100, 100)
    # The background is one flat colour: any spread of values in the result is the subject, kept.
    low, high = ImageStat.Stat(image.convert("L")).extrema[0]
    assert high - low > 40, f"the subject at {corner} was cropped away"
    if corner[0] < 150:  # where the centre would have cut it off
        low, high = ImageStat.Stat(run(encode(flat), Resize(100, 100, "cover")).convert("L")).extrema[0]
        assert high - low < 10


def test_smart_gravity_is_deterministic_and_centres_a_flat_image() -> None:
    flat = encode(Image.new("RGB", (300, 100), RED))
    assert processor.run(flat, (Resize(50, 50, "cover", "smart"),)) == processor.run(flat, (Resize(50, 50, "cover"),))


# pad


def test_pad_letterboxes_to_the_exact_size_with_the_colour() -> None:
    image = run(quadrants(), Pad(300, 300, "#00ff00"))
    assert image.size == (300, 300)
    assert near(image.getpixel((150, 10)), GREEN)  # the band above
    assert near(image.getpixel((150, 290)), GREEN)  # the band below
    assert near(image.getpixel((60, 120)), RED)  # the image sits in the middle, unscaled
    assert near(image.getpixel((60, 180)), BLUE)


def test_pad_shrinks_a_larger_image_to_fit_first() -> None:
    image = run(quadrants(), Pad(100, 100, "#ffffff"))
    assert image.size == (100, 100)
    assert near(image.getpixel((50, 10)), WHITE)
    assert near(image.getpixel((10, 30)), RED)  # 100×50, from y=25 to y=75


def test_a_see_through_pad_colour_gives_an_alpha_channel() -> None:
    image = run(quadrants(), Pad(200, 200, "#00000000"))
    assert image.mode == "RGBA"
    assert image.getpixel((100, 10))[3] == 0
    assert image.getpixel((10, 60))[3] == 255


def test_a_coloured_pad_on_a_gray_image_keeps_its_colour() -> None:
    image = run(quadrants(), Grayscale(), Pad(200, 200, "#ff0000"))
    assert image.mode == "RGB"
    assert near(image.getpixel((100, 10)), RED)


# watermark


def test_a_watermark_marks_only_its_corner() -> None:
    black = encode(Image.new("RGB", (400, 200), BLACK))
    image = run(black, Watermark("Pixelmill", "southeast", 1.0, 40))
    gray = image.convert("L")
    assert ImageStat.Stat(gray.crop((200, 100, 400, 200))).extrema[0][1] > 200  # white text bottom-right
    assert ImageStat.Stat(gray.crop((0, 0, 200, 100))).extrema[0][1] == 0  # top-left untouched


def test_watermark_opacity_scales_the_text() -> None:
    black = encode(Image.new("RGB", (400, 200), BLACK))
    faint = run(black, Watermark("Pixelmill", "center", 0.25, 40)).convert("L")
    strong = run(black, Watermark("Pixelmill", "center", 1.0, 40)).convert("L")
    assert 40 < ImageStat.Stat(faint).extrema[0][1] < 100
    assert ImageStat.Stat(strong).extrema[0][1] > 200


def test_a_larger_watermark_size_covers_more_pixels() -> None:
    black = encode(Image.new("L", (600, 300), 0))
    small = run(black, Watermark("Ab", "northwest", 1.0, 20))
    large = run(black, Watermark("Ab", "northwest", 1.0, 80))
    assert small.mode == "L"
    assert sum(1 for p in large.get_flattened_data() if p > 128) > 4 * sum(1 for p in small.get_flattened_data() if p > 128)


# formats


def test_avif_is_encoded_with_its_quality() -> None:
    source = encode(Image.effect_noise((64, 64), 80).convert("RGB"))
    low = processor.run(source, (Format("avif", 10),))
    high = processor.run(source, (Format("avif", 95),))
    assert low[1].format == high[1].format == "AVIF"
    assert Image.open(BytesIO(low[0])).size == (64, 64)
    assert len(low[0]) < len(high[0])


def test_lossless_webp_keeps_every_pixel() -> None:
    noise = Image.effect_noise((64, 64), 80).convert("RGB")
    image = run(encode(noise), Format("webp", 85, lossless=True))
    assert image.format == "WEBP"
    assert list(image.convert("RGB").get_flattened_data()) == list(noise.get_flattened_data())


def test_progressive_jpeg_is_progressive() -> None:
    image = run(quadrants(), Format("jpeg", 85, progressive=True))
    assert image.format == "JPEG" and image.info.get("progressive") == 1
    assert not run(quadrants(), Format("jpeg")).info.get("progressive")


def test_an_avif_source_opens_and_keeps_its_format() -> None:
    source = encode(Image.new("RGB", (80, 60), RED), "AVIF")
    assert processor.probe(source).format == "AVIF"
    image = run(source, Resize(40, 40))
    assert image.format == "AVIF" and image.size == (40, 30)
    assert near(image.convert("RGB").getpixel((20, 15)), RED)


def test_a_photo_stored_on_its_side_is_cropped_as_it_is_shown() -> None:
    from PIL import ExifTags

    from domain.geometry import check_pipeline

    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored 80×40, shown 40×80
    source = encode(Image.new("RGB", (80, 40), RED), "JPEG", exif=exif)
    info = processor.probe(source)
    assert (info.width, info.height, info.sideways) == (80, 40, True)
    crop = Crop(left=0, top=0, width=40, height=80)
    check_pipeline(info, (crop,), 50_000_000)  # fits the upright picture
    assert run(source, crop).size == (40, 80)
