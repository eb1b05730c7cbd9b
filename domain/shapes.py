"""The size and mode of an image a pipeline holds, and the geometry rules operations share."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

_GRAY_MODES = ("1", "L", "LA", "La", "I", "F", "I;16", "I;16L", "I;16B", "I;16N")
# Bytes per pixel of the decoded modes Pillow keeps in memory: multi-band images use 4 bytes a pixel.
_BYTES_PER_PIXEL = {"L": 1, "LA": 4, "RGB": 4, "RGBA": 4}


@dataclass(frozen=True)
class Shape:
    """An image in memory: its size, its mode (L, LA, RGB or RGBA once decoded) and its frame count."""

    width: int
    height: int
    mode: str = "RGB"
    frames: int = 1

    @property
    def pixels(self) -> int:
        """What the pixel budget counts: every frame's pixels."""
        return self.width * self.height * self.frames

    @property
    def bytes(self) -> int:
        """Roughly what Pillow allocates for it."""
        return self.pixels * _BYTES_PER_PIXEL.get(self.mode, 4)

    def resized(self, width: int, height: int) -> Shape:
        return replace(self, width=width, height=height)

    def gray(self) -> Shape:
        return replace(self, mode="LA" if "A" in self.mode else "L")


def decoded(width: int, height: int, mode: str, frames: int = 1) -> Shape:
    """The shape a source of this header size and mode takes once decoded: L, LA, RGB or RGBA.
    A palette may hide transparency that only the decoder sees, so it counts as RGBA."""
    alpha = "A" in mode or mode in ("P", "PA")
    if mode in _GRAY_MODES or mode.startswith("I;16"):
        return Shape(width, height, "LA" if alpha else "L", frames)
    return Shape(width, height, "RGBA" if alpha else "RGB", frames)


def fit_inside(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """`size` scaled down, keeping its aspect, until it fits inside `box`; never scaled up."""
    width, height = size
    scale = min(box[0] / width, box[1] / height, 1.0)
    return max(1, round(width * scale)), max(1, round(height * scale))


def rotated_size(size: tuple[int, int], degrees: float) -> tuple[int, int]:
    """The canvas of `size` rotated by `degrees` with the canvas grown to fit, exactly as Pillow's
    `rotate(expand=True)` computes it (same rounding), so the prediction matches the allocation."""
    width, height = size
    angle = degrees % 360.0
    if angle in (0, 180):
        return width, height
    if angle in (90, 270):
        return height, width
    radians = -math.radians(angle)
    cos, sin = round(math.cos(radians), 15), round(math.sin(radians), 15)
    cx, cy = width / 2, height / 2
    # The inverse affine matrix Pillow builds, translated about the centre.
    c = cos * -cx + sin * -cy + cx
    f = -sin * -cx + cos * -cy + cy
    xs, ys = [], []
    for x, y in ((0, 0), (width, 0), (width, height), (0, height)):
        xs.append(cos * x + sin * y + c)
        ys.append(-sin * x + cos * y + f)
    return math.ceil(max(xs)) - math.floor(min(xs)), math.ceil(max(ys)) - math.floor(min(ys))
