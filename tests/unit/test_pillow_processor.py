"""The Pillow image processor: header probes, every operation's geometry, formats, and stripped metadata."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageChops, ImageFile, ImageStat, JpegImagePlugin, PngImagePlugin

from adapters.pillow.processor import PillowImageProcessor
from domain.errors import PermanentFailure, UnsupportedImage, ValidationFailed
from domain.operations import (
    DEFAULT_PIPELINE, Blur, Flip, Format, Grayscale, Operation, Resize, Rotate, Sharpen, Thumbnail
)
from domain.values import ImageInfo

RED = (255, 0, 0)
WHITE = (255, 255, 255)
processor = PillowImageProcessor(max_pixels=50_000_000)


def encode(image: Image.Image, format: str = "PNG", **params: Any) -> bytes:
    out = BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def noise(size: tuple[int, int] = (40, 30), mode: str = "RGB") -> Image.Image:
    return Image.effect_noise(size, 64).convert(mode)


def red_corner(size: tuple[int, int] = (40, 30)) -> bytes:
    """A white PNG whose top-left pixel is red, to see where a corner goes."""
    image = Image.new("RGB", size, WHITE)
    image.putpixel((0, 0), RED)
    return encode(image)


def with_orientation(image: Image.Image, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return encode(image, "JPEG", exif=exif)


def png_declaring(width: int, height: int) -> bytes:
    """A valid PNG header for a huge RGB image, followed by a tiny IDAT: nothing near that size is allocated."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def run(data: bytes, *operations: Operation) -> tuple[Image.Image, ImageInfo]:
    result, info = processor.run(data, operations)
    image = Image.open(BytesIO(result))
    image.load()
    return image, info


# probe


@pytest.mark.parametrize(
    ("format", "mode"),
    [("JPEG", "RGB"), ("PNG", "RGB"), ("WEBP", "RGB"), ("GIF", "P"), ("BMP", "RGB"), ("TIFF", "RGB")],
)
def test_probe_reports_each_supported_format(format: str, mode: str) -> None:
    data = encode(noise(), format)
    info = processor.probe(data)
    # The mode as stored, written out: asking Pillow for the expected value would agree with any answer of Pillow's.
    assert info == ImageInfo(format, 40, 30, mode, len(data))


def test_probe_reports_a_multi_picture_phone_photo_as_jpeg() -> None:
    data = encode(noise(), "MPO", save_all=True, append_images=[noise()])
    assert processor.probe(data).format == "JPEG"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"just some text, not an image",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        b"<!DOCTYPE html><html><body>renamed to photo.jpg</body></html>",
        encode(noise(), "PPM"),
    ],
    ids=["empty", "text", "svg", "html", "ppm"],
)
def test_probe_rejects_what_is_not_a_supported_image(data: bytes) -> None:
    with pytest.raises(UnsupportedImage):
        processor.probe(data)


@pytest.mark.parametrize("pillow_limit", [Image.MAX_IMAGE_PIXELS, None], ids=["pillow-guard", "own-guard"])
def test_probe_refuses_too_many_pixels_from_the_header_alone(
    monkeypatch: pytest.MonkeyPatch, pillow_limit: int | None
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", pillow_limit)
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("probe decoded pixels"))
    with pytest.raises(ValidationFailed) as caught:
        processor.probe(png_declaring(40_000, 40_000))
    assert caught.value.errors[0].field == "image"
    assert "pixels, at most 50,000,000" in caught.value.errors[0].message


def test_probe_counts_pixels_itself_below_pillows_own_limit() -> None:
    with pytest.raises(ValidationFailed, match="1,200 pixels, at most 1,000"):
        PillowImageProcessor(max_pixels=1_000).probe(encode(noise((40, 30))))


def test_probe_accepts_exactly_the_pixel_cap_and_refuses_one_more() -> None:
    data = encode(noise((40, 30)))
    assert PillowImageProcessor(max_pixels=1_200).probe(data).width == 40
    with pytest.raises(ValidationFailed, match="1,200 pixels, at most 1,199"):
        PillowImageProcessor(max_pixels=1_199).probe(data)


def test_run_accepts_a_source_of_exactly_the_pixel_cap_and_refuses_one_more() -> None:
    data = encode(noise((40, 30)))
    _, info = PillowImageProcessor(max_pixels=1_200).run(data, (Grayscale(),))
    assert (info.width, info.height) == (40, 30)
    with pytest.raises(PermanentFailure, match="pixels"):
        PillowImageProcessor(max_pixels=1_199).run(data, (Grayscale(),))


def test_a_truncated_jpeg_passes_probe_but_fails_permanently_in_run() -> None:
    data = encode(noise((200, 200)), "JPEG")
    truncated = data[: len(data) // 2]
    assert processor.probe(truncated).width == 200
    with pytest.raises(PermanentFailure, match="damaged or truncated"):
        processor.run(truncated, DEFAULT_PIPELINE)


def test_run_fails_permanently_on_an_image_over_the_pixel_cap() -> None:
    with pytest.raises(PermanentFailure, match="pixels"):
        PillowImageProcessor(max_pixels=1_000).run(encode(noise((40, 30))), DEFAULT_PIPELINE)


# geometry


def test_run_checks_the_pixel_budget_before_decoding_a_single_pixel() -> None:
    # The header declares 7000×7000 over a one-byte body: decoding would fail as truncated, so only a check made
    # before the decode can give this error.
    with pytest.raises(PermanentFailure, match=r"too large to process: operations\[1\]: would make a 9900×9900"):
        processor.run(png_declaring(7000, 7000), (Grayscale(), Rotate(45), Thumbnail(100)))


def test_run_accepts_a_pipeline_exactly_at_the_pixel_cap() -> None:
    image, _ = run_with(PillowImageProcessor(max_pixels=10_000), png(10, 10), Resize(100, 100, "fill"))
    assert image.size == (100, 100)


def run_with(engine: PillowImageProcessor, data: bytes, *operations: Operation) -> tuple[Image.Image, ImageInfo]:
    result, info = engine.run(data, operations)
    return Image.open(BytesIO(result)), info


def png(width: int, height: int) -> bytes:
    return encode(Image.new("RGB", (width, height), WHITE))


def test_resize_contain_fits_inside_keeping_the_aspect() -> None:
    image, _ = run(encode(noise((400, 300))), Resize(100, 100))
    assert image.size == (100, 75)


def test_resize_contain_never_upscales() -> None:
    image, _ = run(encode(noise((40, 30))), Resize(100, 100))
    assert image.size == (40, 30)


def test_resize_cover_fills_the_exact_size() -> None:
    image, _ = run(encode(noise((400, 300))), Resize(100, 100, "cover"))
    assert image.size == (100, 100)


def test_resize_fill_stretches_to_the_exact_size() -> None:
    image, _ = run(encode(noise((400, 300))), Resize(50, 200, "fill"))
    assert image.size == (50, 200)


def test_thumbnail_fits_inside_a_square_and_never_upscales() -> None:
    assert run(encode(noise((400, 300))), Thumbnail(100))[0].size == (100, 75)
    assert run(encode(noise((40, 30))), Thumbnail(100))[0].size == (40, 30)


def test_rotate_90_turns_counter_clockwise_and_swaps_the_sides() -> None:
    image, _ = run(red_corner((40, 30)), Rotate(90))
    assert image.size == (30, 40)
    assert image.getpixel((0, 39)) == RED


def test_flip_horizontal_mirrors_left_and_right() -> None:
    image, _ = run(red_corner((40, 30)), Flip("horizontal"))
    assert image.getpixel((39, 0)) == RED
    assert image.getpixel((0, 0)) == WHITE


def test_flip_vertical_mirrors_top_and_bottom() -> None:
    image, _ = run(red_corner((40, 30)), Flip("vertical"))
    assert image.getpixel((0, 29)) == RED


def test_grayscale_gives_mode_l_and_keeps_alpha_as_la() -> None:
    assert run(encode(noise()), Grayscale())[1].mode == "L"
    assert run(encode(noise(mode="RGBA")), Grayscale())[1].mode == "LA"


@pytest.mark.parametrize("operation", [Blur(2.5), Sharpen()], ids=["blur", "sharpen"])
def test_filters_change_pixels_but_keep_the_size(operation: Operation) -> None:
    source = noise((40, 30))
    image, _ = run(encode(source), operation)
    assert image.size == (40, 30)
    assert image.tobytes() != source.tobytes()


def test_a_palette_gif_can_be_blurred() -> None:
    image, info = run(encode(noise().convert("P"), "GIF"), Blur(1))
    assert (info.format, image.size) == ("PNG", (40, 30))


# formats


def test_format_converts_and_its_quality_changes_the_size() -> None:
    source = encode(noise((200, 200)))
    _, low = run(source, Format("jpeg", quality=10))
    _, high = run(source, Format("jpeg", quality=95))
    assert low.format == high.format == "JPEG"
    assert low.bytes < high.bytes


def test_the_last_format_wins() -> None:
    assert run(encode(noise()), Format("jpeg"), Format("webp"))[1].format == "WEBP"


@pytest.mark.parametrize(
    ("source", "result"),
    [("JPEG", "JPEG"), ("PNG", "PNG"), ("WEBP", "WEBP"), ("GIF", "PNG"), ("BMP", "PNG"), ("TIFF", "PNG")],
)
def test_without_a_format_op_the_result_keeps_or_replaces_the_source_format(source: str, result: str) -> None:
    _, info = run(encode(noise(), source), Grayscale())
    assert info.format == result


def test_a_gif_becomes_its_first_frame() -> None:
    frames = [Image.new("RGB", (20, 20), color) for color in (RED, (0, 0, 255))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    image, _ = run(data, Flip("vertical"))
    assert image.convert("RGB").getpixel((10, 10)) == RED


def test_an_rgba_png_becomes_a_jpeg_on_white() -> None:
    source = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image, info = run(encode(source), Format("jpeg"))
    assert (info.format, info.mode) == ("JPEG", "RGB")
    assert image.getpixel((10, 10)) == WHITE


def test_a_result_too_wide_for_webp_fails_permanently() -> None:
    with pytest.raises(PermanentFailure, match="cannot be encoded as WEBP"):
        processor.run(encode(Image.new("RGB", (17_000, 10))), (Format("webp"),))


def test_a_16_bit_grayscale_png_keeps_its_tones() -> None:
    image, _ = run(encode(Image.new("I;16", (20, 20), 40_000)), Grayscale())
    assert image.getpixel((10, 10)) == 40_000 // 256


def test_run_reports_the_result_as_pillow_reopens_it() -> None:
    result, info = processor.run(encode(noise((400, 300))), DEFAULT_PIPELINE)
    assert info == ImageInfo("PNG", 400, 300, "L", len(result))


# orientation and metadata


def test_exif_orientation_is_applied_and_the_result_has_no_exif() -> None:
    image, info = run(with_orientation(noise((40, 20)), 6), *DEFAULT_PIPELINE)
    assert (info.width, info.height) == (20, 40)
    assert "exif" not in image.info
    assert len(image.getexif()) == 0


def test_gps_and_comments_are_stripped_from_a_jpeg() -> None:
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({1: "N", 2: (12.0, 34.0, 56.0)})
    source = encode(noise(), "JPEG", exif=exif, comment=b"shot at home")
    assert Image.open(BytesIO(source)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    image, _ = run(source, *DEFAULT_PIPELINE)
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "comment" not in image.info


def test_png_text_chunks_are_not_copied() -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "someone private")
    image, _ = run(encode(noise(), pnginfo=text), Grayscale())
    assert isinstance(image, PngImagePlugin.PngImageFile)
    assert image.text == {}


# decoding big JPEGs


@pytest.fixture
def decoded_sizes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The sizes big JPEGs are decoded at, seen through a spy on Pillow's draft mode."""
    sizes: list[tuple[int, int]] = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int] | None) -> Any:
        answer = draft(self, mode, size)
        sizes.append(self.size)
        return answer

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    return sizes


def test_the_default_pipeline_decodes_a_big_jpeg_at_a_reduced_scale(decoded_sizes: list[tuple[int, int]]) -> None:
    image, info = run(encode(Image.new("RGB", (4000, 3000), "teal"), "JPEG"), *DEFAULT_PIPELINE)
    assert decoded_sizes == [(2000, 1500)]
    assert (info.width, info.height, info.mode) == (1024, 768, "L")


def test_a_sideways_jpeg_is_decoded_for_its_upright_size(decoded_sizes: list[tuple[int, int]]) -> None:
    data = with_orientation(Image.new("RGB", (4000, 2000), "teal"), 6)
    _, info = run(data, Resize(500, 1000))
    assert decoded_sizes == [(1000, 500)]
    assert (info.width, info.height) == (500, 1000)


def test_a_pipeline_that_filters_first_decodes_at_full_scale(decoded_sizes: list[tuple[int, int]]) -> None:
    run(encode(Image.new("RGB", (800, 600), "teal"), "JPEG"), Blur(3), Resize(100, 100))
    assert decoded_sizes == []


def decode_then_convert(data: bytes, *operations: Operation) -> Image.Image:
    """The reference: every operation on the full-colour decode, as if the decoder knew nothing of the pipeline."""
    from adapters.pillow.operations import apply

    with Image.open(BytesIO(data)) as source:
        reference = apply(source.convert("RGB"), tuple(operations))
    return Image.open(BytesIO(encode(reference, "JPEG", quality=85)))  # as the result is encoded


@pytest.mark.parametrize(
    "operations",
    [DEFAULT_PIPELINE, (Grayscale(),), (Blur(2), Grayscale()), (Rotate(30), Flip("horizontal"), Grayscale(), Sharpen())],
    ids=["default", "grayscale", "blur-first", "rotate-flip-first"],
)
def test_a_pipeline_that_turns_gray_decodes_a_colour_jpeg_to_gray_with_the_same_look(
    operations: tuple[Operation, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    modes: list[str | None] = []
    draft = JpegImagePlugin.JpegImageFile.draft
    monkeypatch.setattr(
        JpegImagePlugin.JpegImageFile, "draft", lambda self, mode, size: modes.append(mode) or draft(self, mode, size)
    )
    data = encode(noise((300, 200)).resize((600, 400)), "JPEG", quality=95)
    result, info = processor.run(data, operations)
    assert modes == ["L"] and info.mode == "L"
    expected = decode_then_convert(data, *operations)
    image = Image.open(BytesIO(result))
    assert image.size == expected.size
    # JPEG's own luma plane versus Pillow's conversion of the decoded colours: at most rounding apart.
    assert ImageStat.Stat(ImageChops.difference(image, expected)).mean[0] < 1


def test_a_pipeline_that_keeps_colour_or_turns_gray_late_decodes_in_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    modes: list[str | None] = []
    draft = JpegImagePlugin.JpegImageFile.draft
    monkeypatch.setattr(
        JpegImagePlugin.JpegImageFile, "draft", lambda self, mode, size: modes.append(mode) or draft(self, mode, size)
    )
    data = encode(noise((600, 400)), "JPEG")
    _, kept = processor.run(data, (Resize(100, 100),))
    assert modes == ["RGB"] and kept.mode == "RGB"


def test_a_cmyk_jpeg_still_turns_gray() -> None:
    image, info = run(encode(noise((60, 40)).convert("CMYK"), "JPEG"), *DEFAULT_PIPELINE)
    assert info.mode == "L" and image.size == (60, 40)
