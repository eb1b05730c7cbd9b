"""The second set of operations: crop, pad, watermark, cover gravity and richer formats, validated before any charge."""

from __future__ import annotations

import pytest

from domain.errors import ValidationFailed
from domain.geometry import check_crops
from domain.operations import Crop, Format, Pad, Resize, Rotate, Thumbnail, Watermark, parse_pipeline, to_dict
from domain.pixel_budget import pipeline_shapes
from domain.shapes import Shape


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error.field for error in exc.value.errors]


def test_every_new_operation_parses_with_its_fields() -> None:
    raw = [
        {"op": "crop", "left": 1, "top": 2, "width": 3, "height": 4},
        {"op": "resize", "width": 10, "height": 20, "fit": "cover", "gravity": "smart"},
        {"op": "pad", "width": 30, "height": 40, "color": "#FF000080"},
        {"op": "watermark", "text": "© Ada", "position": "north", "opacity": 1, "size": 12},
        {"op": "format", "format": "avif", "quality": 40},
        {"op": "format", "format": "webp", "lossless": True},
        {"op": "format", "format": "jpeg", "progressive": True},
    ]
    assert parse_pipeline(raw) == (
        Crop(1, 2, 3, 4),
        Resize(10, 20, "cover", "smart"),
        Pad(30, 40, "#ff000080"),
        Watermark("© Ada", "north", 1.0, 12),
        Format("avif", 40),
        Format("webp", 85, lossless=True),
        Format("jpeg", 85, progressive=True),
    )


def test_new_fields_have_defaults_and_unset_ones_stay_out_of_the_json() -> None:
    pad, mark, resize = parse_pipeline(
        [{"op": "pad", "width": 5, "height": 5}, {"op": "watermark", "text": "x"}, {"op": "resize", "width": 2, "height": 2}]
    )
    assert pad == Pad(5, 5, "#000000")
    assert mark == Watermark("x", "southeast", 0.5, 24)
    assert to_dict(resize) == {"op": "resize", "width": 2, "height": 2, "fit": "contain"}
    assert to_dict(Format("png")) == {"op": "format", "format": "png", "quality": 85}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"op": "crop", "left": -1, "top": 0, "width": 1, "height": 1}, "operations[0].left"),
        ({"op": "crop", "left": 0, "top": 0, "width": 0, "height": 1}, "operations[0].width"),
        ({"op": "crop", "left": 0, "top": 0, "width": 1}, "operations[0].height"),
        ({"op": "resize", "width": 5, "height": 5, "fit": "cover", "gravity": "up"}, "operations[0].gravity"),
        ({"op": "resize", "width": 5, "height": 5, "gravity": "north"}, "operations[0].gravity"),
        ({"op": "pad", "width": 5, "height": 5, "color": "red"}, "operations[0].color"),
        ({"op": "pad", "width": 5, "height": 5, "color": "#12345"}, "operations[0].color"),
        ({"op": "pad", "width": 9000, "height": 5}, "operations[0].width"),
        ({"op": "watermark"}, "operations[0].text"),
        ({"op": "watermark", "text": "   "}, "operations[0].text"),
        ({"op": "watermark", "text": "a\x00b"}, "operations[0].text"),
        ({"op": "watermark", "text": "\ud800"}, "operations[0].text"),
        ({"op": "watermark", "text": "x" * 201}, "operations[0].text"),
        ({"op": "watermark", "text": "x", "opacity": 1.5}, "operations[0].opacity"),
        ({"op": "watermark", "text": "x", "position": "smart"}, "operations[0].position"),
        ({"op": "watermark", "text": "x", "size": 0}, "operations[0].size"),
        ({"op": "format", "format": "jpeg", "lossless": True}, "operations[0].lossless"),
        ({"op": "format", "format": "webp", "lossless": "yes"}, "operations[0].lossless"),
        ({"op": "format", "format": "png", "progressive": True}, "operations[0].progressive"),
        ({"op": "format", "format": "heic"}, "operations[0].format"),
    ],
)
def test_an_invalid_new_operation_names_its_field(raw: object, field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_pipeline([raw])
    assert field in fields_of(exc)


def test_each_new_operation_predicts_its_output_shape() -> None:
    ops = (Crop(0, 0, 300, 200), Resize(100, 100), Pad(120, 90), Rotate(90), Thumbnail(45), Watermark("x"))
    shapes = pipeline_shapes(Shape(400, 300, "L"), ops)
    assert [(s.width, s.height) for s in shapes] == [(400, 300), (300, 200), (100, 67), (120, 90), (90, 120), (34, 45), (34, 45)]


@pytest.mark.parametrize(
    ("mode", "color", "expected"),
    [("L", "#000000", "L"), ("L", "#ff0000", "RGB"), ("L", "#00000000", "LA"), ("RGB", "#ffffff", "RGB"), ("RGBA", "#fff000", "RGBA")],
)
def test_pad_predicts_the_mode_its_border_needs(mode: str, color: str, expected: str) -> None:
    assert Pad(10, 10, color).output(Shape(5, 5, mode, frames=3)) == Shape(10, 10, expected, 3)


def test_a_crop_inside_the_image_it_is_given_passes() -> None:
    check_crops(Shape(400, 300), (Resize(200, 200), Crop(0, 0, 200, 150)))


def test_a_crop_box_outside_the_image_names_its_operation() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_crops(Shape(400, 300), (Resize(200, 200), Crop(1, 0, 200, 150), Crop(0, 0, 1, 1)))
    assert fields_of(exc) == ["operations[1]"]
    assert "200×150" in exc.value.errors[0].message
