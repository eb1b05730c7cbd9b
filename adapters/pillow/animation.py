"""Animated GIF, WebP and AVIF: every frame decoded, processed and encoded again with its duration and the loop count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageSequence

_DEFAULT_DURATION = 100  # ms, what browsers show a GIF frame that states none


@dataclass
class Frames:
    images: list[Image.Image]
    durations: list[int]
    loop: int | None  # None: play once (a GIF without a loop extension)


def decode_frames(source: Image.Image, normalise: Callable[[Image.Image], Image.Image]) -> Frames:
    """Each frame as the whole composed canvas (Pillow applies GIF disposal), with its own duration."""
    images, durations = [], []
    for frame in ImageSequence.Iterator(source):
        frame.load()  # WebP and AVIF state a frame's duration only once it is loaded
        durations.append(int(frame.info.get("duration") or _DEFAULT_DURATION))
        if frame.mode == "P":
            images.append(normalise(frame.convert("RGBA" if frame.has_transparency_data else "RGB")))
        else:
            images.append(normalise(frame.copy()))
    return Frames(images, durations, source.info.get("loop"))


def encode_frames(frames: Frames, encoding: str, params: dict[str, object]) -> bytes:
    """All frames in one file; AVIF has no loop count in Pillow and always repeats."""
    out = BytesIO()
    images = _one_mode(frames.images)
    first, rest = images[0], images[1:]
    options: dict[str, object] = {"save_all": True, "append_images": rest, "duration": frames.durations}
    if encoding == "GIF":
        if "A" in first.mode:
            options["disposal"] = 2  # see-through frames are whole canvases: clear before drawing the next
        if frames.loop is not None:
            options["loop"] = frames.loop
    elif encoding == "WEBP":
        options["loop"] = 1 if frames.loop is None else frames.loop
        options.update(params)
    else:
        options.update(params)
    for image in images:
        image.info = {}  # results carry no metadata
    first.save(out, encoding, **options)
    return out.getvalue()


def _one_mode(images: list[Image.Image]) -> list[Image.Image]:
    """Encoders want every frame in one mode: colour if any frame has colour, alpha if any has alpha."""
    colour = any(image.mode.startswith("RGB") for image in images)
    alpha = any("A" in image.mode for image in images)
    mode = ("RGB" if colour else "L") + ("A" if alpha else "")
    return [image if image.mode == mode else image.convert(mode) for image in images]
