"""The pixel budget: each operation's size rule matches what Pillow allocates, and the cap is exact."""

from __future__ import annotations

import pytest
from PIL import Image

from adapters.pillow.operations import apply
from domain.errors import ValidationFailed
from domain.operations import Blur, Flip, Format, Grayscale, Operation, Resize, Rotate, Sharpen, Thumbnail
from domain.pixel_budget import check_pixel_budget, pipeline_shapes
from domain.shapes import Shape, decoded

EVERY_OPERATION = [
    Resize(30, 50, "contain"),
    Resize(300, 50, "contain"),
    Resize(30, 50, "cover"),
    Resize(300, 500, "fill"),
    Thumbnail(16),
    Thumbnail(1000),
    Grayscale(),
    Rotate(45),
    Rotate(-30),
    Rotate(90),
    Rotate(180),
    Rotate(270),
    Rotate(360),
    Flip("horizontal"),
    Flip("vertical"),
    Blur(2.5),
    Sharpen(),
    Format("webp", 50),
]


def pillow_shape(shape: Shape, operation: Operation) -> Shape:
    image = apply(Image.new(shape.mode, (shape.width, shape.height)), (operation,))
    return Shape(image.width, image.height, image.mode)


@pytest.mark.parametrize("operation", EVERY_OPERATION, ids=repr)
@pytest.mark.parametrize("shape", [Shape(64, 48, "RGB"), Shape(37, 101, "RGBA"), Shape(5, 5, "L"), Shape(9, 2, "LA")])
def test_every_operation_predicts_the_size_and_mode_pillow_makes(shape: Shape, operation: Operation) -> None:
    assert operation.output(shape) == pillow_shape(shape, operation)


@pytest.mark.parametrize("size", [(37, 23), (1, 1), (64, 64), (3, 200)])
def test_rotate_predicts_pillows_growing_canvas_at_every_whole_degree(size: tuple[int, int]) -> None:
    image = Image.new("L", size)
    for degrees in range(-360, 361):
        predicted = Rotate(degrees).output(Shape(*size, "L"))
        assert (predicted.width, predicted.height) == apply(image, (Rotate(degrees),)).size, degrees


def test_rotate_45_of_a_square_about_doubles_its_area() -> None:
    turned = Rotate(45).output(Shape(1000, 1000))
    assert 2_000_000 <= turned.pixels <= 2_010_000


def test_the_shapes_start_with_the_decoded_source_and_end_with_the_result() -> None:
    shapes = pipeline_shapes(decoded(4000, 3000, "RGB"), (Resize(1024, 1024), Grayscale()))
    assert shapes == [Shape(4000, 3000, "RGB"), Shape(1024, 768, "RGB"), Shape(1024, 768, "L")]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("RGB", "RGB"), ("CMYK", "RGB"), ("YCbCr", "RGB"), ("RGBA", "RGBA"), ("P", "RGBA"), ("1", "L"), ("I;16", "L"),
     ("LA", "LA")],
)
def test_a_source_is_predicted_in_the_mode_it_is_decoded_to(mode: str, expected: str) -> None:
    assert decoded(10, 10, mode).mode == expected


def test_a_pipeline_exactly_at_the_cap_is_accepted() -> None:
    check_pixel_budget(decoded(10, 10, "RGB"), (Resize(100, 100, "fill"),), max_pixels=10_000)


def test_a_pipeline_exactly_one_pixel_over_the_cap_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="10,000 pixels, at most 9,999"):
        check_pixel_budget(decoded(10, 10, "RGB"), (Resize(100, 100, "fill"),), max_pixels=9_999)


def test_one_pixel_over_the_cap_is_refused_naming_the_operation() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_pixel_budget(decoded(10, 10, "RGB"), (Grayscale(), Resize(101, 99, "fill"), Resize(100, 101, "fill")), 10_000)
    [error] = exc.value.errors
    assert error.field == "operations[2]"
    assert "100×101" in error.message and "10,100 pixels" in error.message and "10,000" in error.message


def test_the_first_operation_over_the_cap_is_named_even_when_a_later_one_shrinks_again() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_pixel_budget(decoded(100, 100, "RGB"), (Rotate(45), Thumbnail(10)), max_pixels=10_000)
    assert [error.field for error in exc.value.errors] == ["operations[0]"]


def test_a_source_over_the_cap_is_named_as_the_image() -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_pixel_budget(decoded(101, 100, "RGB"), (Thumbnail(10),), max_pixels=10_000)
    assert [error.field for error in exc.value.errors] == ["image"]


@pytest.mark.parametrize(
    ("source", "operations", "field"),
    [
        ((7000, 7000), (Resize(8192, 8192, "fill"), Rotate(45), Blur(50), Format("png")), "operations[0]"),
        ((1, 1), (Resize(8192, 8192, "fill"), Rotate(45), Rotate(45)), "operations[0]"),
        ((1, 1), (Resize(6000, 6000, "fill"), Rotate(45), Rotate(45)), "operations[1]"),
    ],
)
def test_the_pipelines_that_took_a_worker_down_are_refused_at_the_default_cap(
    source: tuple[int, int], operations: tuple[Operation, ...], field: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        check_pixel_budget(decoded(*source, "RGB"), operations, max_pixels=50_000_000)
    assert [error.field for error in exc.value.errors] == [field]
