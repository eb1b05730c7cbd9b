"""Operations are validated in full before anything is charged."""

from __future__ import annotations

import pytest

from domain.errors import ValidationFailed
from domain.operations import (
    DEFAULT_PIPELINE,
    Blur,
    Flip,
    Format,
    Grayscale,
    Resize,
    Rotate,
    Sharpen,
    Thumbnail,
    parse_operation,
    parse_pipeline,
    to_dict,
)


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error.field for error in exc.value.errors]


@pytest.mark.parametrize("raw", [None, []])
def test_absent_or_empty_operations_mean_the_default_pipeline(raw: object) -> None:
    assert parse_pipeline(raw) == DEFAULT_PIPELINE
    assert [to_dict(op) for op in DEFAULT_PIPELINE] == [
        {"op": "resize", "width": 1024, "height": 1024, "fit": "contain"},
        {"op": "grayscale"},
    ]


def test_every_operation_of_the_contract_parses() -> None:
    raw = [
        {"op": "resize", "width": 10, "height": 20, "fit": "cover"},
        {"op": "thumbnail", "size": 8192},
        {"op": "grayscale"},
        {"op": "rotate", "degrees": -90},
        {"op": "flip", "direction": "horizontal"},
        {"op": "blur", "radius": 50},
        {"op": "sharpen"},
        {"op": "format", "format": "webp", "quality": 1},
    ]
    assert parse_pipeline(raw) == (
        Resize(10, 20, "cover"),
        Thumbnail(8192),
        Grayscale(),
        Rotate(-90),
        Flip("horizontal"),
        Blur(50.0),
        Sharpen(),
        Format("webp", 1),
    )


def test_fit_defaults_to_contain_and_quality_to_85() -> None:
    assert parse_operation({"op": "resize", "width": 5, "height": 5}) == Resize(5, 5, "contain")
    assert parse_operation({"op": "format", "format": "png"}) == Format("png", 85)


def test_an_operation_serialises_with_op_first() -> None:
    assert list(to_dict(Resize(1, 2))) == ["op", "width", "height", "fit"]


def test_more_than_ten_operations_are_refused() -> None:
    assert len(parse_pipeline([{"op": "grayscale"}] * 10)) == 10
    with pytest.raises(ValidationFailed) as exc:
        parse_pipeline([{"op": "grayscale"}] * 11)
    assert fields_of(exc) == ["operations"]


@pytest.mark.parametrize("raw", [{"op": "grayscale"}, "grayscale", 3])
def test_operations_must_be_a_list(raw: object) -> None:
    with pytest.raises(ValidationFailed):
        parse_pipeline(raw)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"op": "explode"}, "operations[0].op"),
        ({"width": 3}, "operations[0].op"),
        ("resize", "operations[0]"),
        ({"op": "resize", "width": 0, "height": 10}, "operations[0].width"),
        ({"op": "resize", "width": 10, "height": 8193}, "operations[0].height"),
        ({"op": "resize", "width": 10}, "operations[0].height"),
        ({"op": "resize", "width": 10.5, "height": 10}, "operations[0].width"),
        ({"op": "resize", "width": True, "height": 10}, "operations[0].width"),
        ({"op": "resize", "width": 10, "height": 10, "fit": "stretch"}, "operations[0].fit"),
        ({"op": "thumbnail", "size": "64"}, "operations[0].size"),
        ({"op": "rotate", "degrees": 90.5}, "operations[0].degrees"),
        ({"op": "flip", "direction": "diagonal"}, "operations[0].direction"),
        ({"op": "blur", "radius": 0}, "operations[0].radius"),
        ({"op": "blur", "radius": 50.01}, "operations[0].radius"),
        ({"op": "blur"}, "operations[0].radius"),
        ({"op": "format", "format": "tiff"}, "operations[0].format"),
        ({"op": "format", "format": "jpeg", "quality": 101}, "operations[0].quality"),
        ({"op": "format", "format": "jpeg", "quality": 0}, "operations[0].quality"),
        ({"op": "grayscale", "amount": 1}, "operations[0].amount"),
    ],
)
def test_an_invalid_operation_names_its_field(raw: object, field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_pipeline([raw])
    assert field in fields_of(exc)


def test_every_invalid_operation_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_pipeline([{"op": "grayscale"}, {"op": "blur", "radius": -1}, {"op": "thumbnail", "size": 0}])
    assert fields_of(exc) == ["operations[1].radius", "operations[2].size"]


def test_a_fractional_blur_radius_is_a_number() -> None:
    assert parse_operation({"op": "blur", "radius": 0.5}) == Blur(0.5)
