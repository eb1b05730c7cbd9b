"""Crop boxes checked against the size of the image each crop is given, predicted from the source's header."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import FieldError, ValidationFailed
from domain.operations import Crop, Operation
from domain.pixel_budget import pipeline_shapes
from domain.shapes import Shape


def check_crops(source: Shape, operations: Sequence[Operation]) -> None:
    """Raises ValidationFailed naming each crop whose box lies outside the image it is given."""
    errors = []
    for index, (shape, operation) in enumerate(zip(pipeline_shapes(source, operations), operations, strict=False)):
        if isinstance(operation, Crop) and not crop_fits((shape.width, shape.height), operation):
            box = f"{operation.width}×{operation.height} at ({operation.left}, {operation.top})"
            message = f"the crop box {box} lies outside the {shape.width}×{shape.height} image"
            errors.append(FieldError(f"operations[{index}]", message))
    if errors:
        raise ValidationFailed(errors)


def crop_fits(size: tuple[int, int], crop: Crop) -> bool:
    return crop.left + crop.width <= size[0] and crop.top + crop.height <= size[1]
