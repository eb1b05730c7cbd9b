"""Small value objects shared by several entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

SUPPORTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF", "HEIF")

# Content types of the formats Pillow reports, for serving stored files.
CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "AVIF": "image/avif",
    "HEIF": "image/heif",
}


@dataclass(frozen=True)
class ImageInfo:
    """What Pillow reports of a stored image file."""

    format: str
    width: int
    height: int
    mode: str
    bytes: int
    frames: int = 1  # an animation's frame count
    sideways: bool = False  # EXIF says it is stored on its side: it shows as height×width

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.format, "application/octet-stream")

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "format": self.format,
            "width": self.width,
            "height": self.height,
            "mode": self.mode,
            "bytes": self.bytes,
        }
        if self.frames > 1:
            data["frames"] = self.frames
        if self.sideways:
            data["sideways"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ImageInfo:
        return cls(
            format=str(data["format"]),
            width=int(data["width"]),  # type: ignore[arg-type]
            height=int(data["height"]),  # type: ignore[arg-type]
            mode=str(data["mode"]),
            bytes=int(data["bytes"]),  # type: ignore[arg-type]
            frames=int(data.get("frames", 1)),  # type: ignore[call-overload]
            sideways=bool(data.get("sideways", False)),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the opaque cursor of the next one."""

    items: list[T]
    next_cursor: str | None
