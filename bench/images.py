"""Test images: deterministic, photo-like JPEGs, so that the repository carries no photos."""

from __future__ import annotations

import random
from io import BytesIO
from typing import Any

def photo_jpeg(width: int, height: int, seed: int = 0, target_bytes: int | None = None) -> bytes:
    """A deterministic, photo-like JPEG (gradients, shapes, grain), its quality chosen to land near target_bytes.

    Synthetic so the repository carries no photos; grain is what makes real photos cost what they cost to code.
    """
    from PIL import Image, ImageDraw, ImageFilter

    rng = random.Random(seed)
    small = (max(1, width // 4), max(1, height // 4))
    horizontal = Image.linear_gradient("L").rotate(rng.choice((0, 90, 180, 270))).resize(small)
    vertical = Image.radial_gradient("L").resize(small)
    third = Image.linear_gradient("L").transpose(Image.Transpose.TRANSPOSE).resize(small)
    base = Image.merge("RGB", (horizontal, vertical, third))
    draw = ImageDraw.Draw(base)
    for _ in range(40):
        x0, y0 = rng.randrange(small[0]), rng.randrange(small[1])
        x1, y1 = x0 + rng.randrange(1, max(2, small[0] // 3)), y0 + rng.randrange(1, max(2, small[1] // 3))
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)((x0, y0, x1, y1), fill=colour)
    image = base.filter(ImageFilter.GaussianBlur(2)).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 28).convert("RGB")
    image = Image.blend(image, grain, 0.2)
    if target_bytes is None:
        return _jpeg(image, 85)
    low, high, best = 20, 95, _jpeg(image, 85)
    while low <= high:  # the highest quality that stays under the target, or the lowest tried
        quality = (low + high) // 2
        data = _jpeg(image, quality)
        if len(data) <= target_bytes:
            best, low = data, quality + 1
        else:
            best = data if len(best) > target_bytes else best
            high = quality - 1
    return best


def _jpeg(image: Any, quality: int) -> bytes:
    out = BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
