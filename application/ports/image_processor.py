"""Pixels: probe an upload cheaply, run a pipeline on it."""

from __future__ import annotations

from typing import Protocol

from domain.operations import Operation
from domain.values import ImageInfo


class ImageProcessor(Protocol):
    def probe(self, data: bytes) -> ImageInfo:
        """Header-only look at format and size; raises UnsupportedImage, or ValidationFailed over the pixel cap."""
        ...

    def run(self, data: bytes, operations: tuple[Operation, ...]) -> tuple[bytes, ImageInfo]:
        """Decode, apply, strip metadata, encode; raises PermanentFailure for a broken image. Blocking."""
        ...

    def preview(self, data: bytes) -> bytes:
        """A WebP of an image (an animation's first frame), its longest side 320; Blocking."""
        ...
