"""What a pipeline may do to a given source, judged from its header: frames, crop boxes and the pixel budget."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import FieldError, ValidationFailed
from domain.formats import check_frames, kept_frames
from domain.operations import Crop, Operation
from domain.pixel_budget import check_pixel_budget, pipeline_shapes
from domain.shapes import Shape, decoded
from domain.values import ImageInfo


def check_pipeline(info: ImageInfo, operations: Sequence[Operation], max_pixels: int) -> None:
    """Raises ValidationFailed for too many frames, a crop outside its image, or any image over `max_pixels`."""
    frames = kept_frames(info.format, info.frames, operations)
    check_frames(frames)
    width, height = (info.height, info.width) if info.sideways else (info.width, info.height)
    source = decoded(width, height, info.mode, frames)
    check_crops(source, operations)
    check_pixel_budget(source, operations, max_pixels)


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
