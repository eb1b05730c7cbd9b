"""Text watermarks in Pillow's built-in scalable font (shipped inside Pillow, open licence)."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from domain.operations import Watermark


def draw_watermark(image: Image.Image, mark: Watermark) -> Image.Image:
    """White text with a dark outline, at `opacity`, placed at `position` with a margin of half the text size."""
    font = ImageFont.load_default(size=mark.size)
    left, top, right, bottom = font.getbbox(mark.text)
    text_size = (right - left, bottom - top)
    x, y = _place(image.size, text_size, mark.position, margin=max(1, mark.size // 2))
    alpha = round(255 * mark.opacity)
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(
        (x - left, y - top),
        mark.text,
        font=font,
        fill=(255, 255, 255, alpha),
        stroke_width=max(1, mark.size // 16),
        stroke_fill=(0, 0, 0, alpha),
    )
    marked = Image.alpha_composite(image.convert("RGBA"), layer)
    return marked if image.mode == "RGBA" else marked.convert(image.mode)


def _place(canvas: tuple[int, int], text: tuple[int, int], position: str, margin: int) -> tuple[int, int]:
    columns = {"west": margin, "center": (canvas[0] - text[0]) // 2, "east": canvas[0] - text[0] - margin}
    rows = {"north": margin, "center": (canvas[1] - text[1]) // 2, "south": canvas[1] - text[1] - margin}
    row = next((name for name in ("north", "south") if position.startswith(name)), "center")
    column = next((name for name in ("east", "west") if position.endswith(name)), "center")
    return columns[column], rows[row]
