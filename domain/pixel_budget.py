"""The pixel budget: every image a pipeline will hold, predicted from the source header, within the cap."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import FieldError, ValidationFailed
from domain.operations import Operation
from domain.shapes import Shape


def pipeline_shapes(source: Shape, operations: Sequence[Operation]) -> list[Shape]:
    """The decoded source, then the image after each operation in order (the last one is the result)."""
    shapes = [source]
    for operation in operations:
        shapes.append(operation.output(shapes[-1]))
    return shapes


def check_pixel_budget(source: Shape, operations: Sequence[Operation], max_pixels: int) -> list[Shape]:
    """The pipeline's shapes; raises ValidationFailed naming `image` or the first `operations[i]` over the cap."""
    shapes = pipeline_shapes(source, operations)
    for index, shape in enumerate(shapes):
        if shape.pixels > max_pixels:
            where = "image" if index == 0 else f"operations[{index - 1}]"
            raise ValidationFailed(FieldError(where, _too_large(shape, max_pixels)))
    return shapes


def _too_large(shape: Shape, max_pixels: int) -> str:
    frames = f" × {shape.frames} frames" if shape.frames > 1 else ""
    return f"would make a {shape.width}×{shape.height}{frames} image of {shape.pixels:,} pixels, at most {max_pixels:,}"
