"""The operations as typed request structs (a tagged union on `op`), so the OpenAPI document shows every field.

The domain (domain/operations.py) stays the authority: bodies decoded here are handed to it as plain JSON values.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Side = Annotated[int, msgspec.Meta(ge=1, le=8192, description="pixels, 1 to 8192")]
Offset = Annotated[int, msgspec.Meta(ge=0, le=65535, description="pixels from the edge")]
Position = Literal["center", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"]
Gravity = Literal[
    "center", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "smart"
]


class _Op(msgspec.Struct, tag_field="op", forbid_unknown_fields=True, omit_defaults=True):
    pass


class ResizeOp(_Op, tag="resize"):
    """Fit inside (`contain`, never upscales), cover and crop (`cover`, placed by `gravity`), or stretch (`fill`)."""

    width: Side
    height: Side
    fit: Literal["contain", "cover", "fill"] = "contain"
    gravity: Gravity | None = None


class ThumbnailOp(_Op, tag="thumbnail"):
    size: Side


class GrayscaleOp(_Op, tag="grayscale"):
    pass


class RotateOp(_Op, tag="rotate"):
    """Counter-clockwise; the canvas grows to fit."""

    degrees: Annotated[int, msgspec.Meta(ge=-360, le=360)]


class FlipOp(_Op, tag="flip"):
    direction: Literal["horizontal", "vertical"]


class BlurOp(_Op, tag="blur"):
    radius: Annotated[float, msgspec.Meta(gt=0, le=50)]


class SharpenOp(_Op, tag="sharpen"):
    pass


class FormatOp(_Op, tag="format"):
    """The result's encoding; `lossless` for WebP and PNG, `progressive` for JPEG."""

    format: Literal["jpeg", "png", "webp", "avif", "gif"]
    quality: Annotated[int, msgspec.Meta(ge=1, le=100)] = 85
    lossless: bool | None = None
    progressive: bool | None = None


class CropOp(_Op, tag="crop"):
    """A box in the pixels of the image it is given; a box outside it is 422."""

    left: Offset
    top: Offset
    width: Side
    height: Side


class PadOp(_Op, tag="pad"):
    """Shrink to fit if needed, then letterbox to exactly width×height."""

    width: Side
    height: Side
    color: Annotated[str, msgspec.Meta(pattern="^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$")] = "#000000"


class WatermarkOp(_Op, tag="watermark"):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    position: Position = "southeast"
    opacity: Annotated[float, msgspec.Meta(ge=0, le=1)] = 0.5
    size: Annotated[int, msgspec.Meta(ge=1, le=1024, description="text height in pixels")] = 24


OperationIn = (
    ResizeOp
    | ThumbnailOp
    | GrayscaleOp
    | RotateOp
    | FlipOp
    | BlurOp
    | SharpenOp
    | FormatOp
    | CropOp
    | PadOp
    | WatermarkOp
)
