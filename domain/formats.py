"""Which format a result takes, and whether an animated source stays animated (and so how many frames it holds)."""

from __future__ import annotations

from collections.abc import Sequence

from domain.errors import FieldError, ValidationFailed
from domain.operations import Format, Operation

KEPT_FORMATS = ("JPEG", "PNG", "WEBP", "AVIF")  # a result keeps these source formats; others become PNG
ANIMATED_FORMATS = ("GIF", "WEBP", "AVIF")  # formats that hold an animation
CONVERTED = {"HEIF": "JPEG"}  # a phone photo becomes a JPEG that every viewer opens
MAX_FRAMES = 1000


def result_format(source_format: str, frames: int, operations: Sequence[Operation]) -> str:
    """Pillow's name for the result's format: the last `format` op's, else the source's own when it can be kept."""
    chosen = [operation.format for operation in operations if isinstance(operation, Format)]
    if chosen:
        return chosen[-1].upper()
    if frames > 1 and source_format in ANIMATED_FORMATS:
        return source_format  # an animation stays one (a still GIF still becomes PNG)
    if source_format in CONVERTED:
        return CONVERTED[source_format]
    return source_format if source_format in KEPT_FORMATS else "PNG"


def kept_frames(source_format: str, frames: int, operations: Sequence[Operation]) -> int:
    """How many frames the pipeline decodes and makes: all of an animation into an animated format, else one."""
    if frames > 1 and result_format(source_format, frames, operations) in ANIMATED_FORMATS:
        return frames
    return 1


def check_frames(frames: int) -> None:
    if frames > MAX_FRAMES:
        raise ValidationFailed(FieldError("image", f"{frames} frames, at most {MAX_FRAMES}"))
