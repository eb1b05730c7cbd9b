"""The domain's operations applied to a decoded Pillow image."""

from __future__ import annotations

from PIL import Image, ImageColor, ImageFilter, ImageOps

from adapters.pillow.smart_crop import centering
from adapters.pillow.watermark import draw_watermark
from domain.errors import PermanentFailure
from domain.geometry import crop_fits
from domain.operations import (
    Blur,
    Crop,
    Flip,
    Format,
    Grayscale,
    Operation,
    Pad,
    Resize,
    Rotate,
    Sharpen,
    Thumbnail,
    Watermark,
)
from domain.shapes import fit_inside

_RESAMPLE = Image.Resampling.LANCZOS


def apply(
    image: Image.Image, operations: tuple[Operation, ...], placed: dict[int, tuple[float, float]] | None = None
) -> Image.Image:
    """The image after each operation in order (`format` only chooses the encoding). `placed` keeps where each
    cover crop went, so that every frame of an animation is cropped where its first frame was."""
    placed = {} if placed is None else placed
    for index, operation in enumerate(operations):
        if isinstance(operation, Resize) and operation.fit == "cover":
            size = (operation.width, operation.height)
            if index not in placed:
                placed[index] = centering(image, size, operation.gravity)
            where = placed[index]
            image = ImageOps.fit(image, size, _RESAMPLE, centering=where)
        else:
            image = _apply_one(image, operation)
    return image


def shrink_box(operations: tuple[Operation, ...]) -> tuple[int, int] | None:
    """The box the pipeline first shrinks the image into, if nothing before needs the full resolution."""
    for operation in operations:
        match operation:
            case Resize(width=width, height=height, fit="contain"):
                return width, height
            case Thumbnail(size=size):
                return size, size
            case Grayscale() | Flip() | Format():
                continue  # the same at any scale, so a smaller decode changes nothing
            case _:
                return None
    return None


def turns_gray(operations: tuple[Operation, ...]) -> bool:
    """Whether the pipeline makes the image gray with nothing before that reading colour: then a decoder that
    can produce the gray image directly (JPEG's luma plane) may, and every step before it works on one channel
    instead of three. Each operation allowed before `grayscale` is linear in the samples, so it commutes with
    the conversion (up to rounding)."""
    for operation in operations:
        match operation:
            case Grayscale():
                return True
            case Resize() | Thumbnail() | Rotate() | Flip() | Blur() | Sharpen() | Format():
                continue
            case _:
                return False
    return False


def _apply_one(image: Image.Image, operation: Operation) -> Image.Image:
    match operation:
        case Resize(width=width, height=height, fit="fill"):
            return image.resize((width, height), _RESAMPLE)
        case Resize(width=width, height=height):
            return _shrink_into(image, (width, height))
        case Thumbnail(size=size):
            return _shrink_into(image, (size, size))
        case Grayscale():
            return image.convert("LA" if "A" in image.getbands() else "L")
        case Rotate(degrees=degrees):
            return image.rotate(degrees, Image.Resampling.BICUBIC, expand=True)
        case Flip(direction="horizontal"):
            return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        case Flip():
            return image.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        case Blur(radius=radius):
            return image.filter(ImageFilter.GaussianBlur(radius))
        case Sharpen():
            return image.filter(ImageFilter.SHARPEN)
        case Crop() as crop:
            return _crop(image, crop)
        case Pad() as pad:
            return _pad(image, pad)
        case Watermark() as mark:
            return draw_watermark(image, mark)
        case Format():
            return image


def _crop(image: Image.Image, crop: Crop) -> Image.Image:
    if not crop_fits(image.size, crop):
        # Checked at submission from the header; an image that decodes to another size still must not be padded.
        raise PermanentFailure(f"the crop box lies outside the {image.width}×{image.height} image")
    return image.crop((crop.left, crop.top, crop.left + crop.width, crop.top + crop.height))


def _pad(image: Image.Image, pad: Pad) -> Image.Image:
    color = ImageColor.getrgb(pad.color)
    mode = image.mode
    if len(set(color[:3])) > 1 and mode in ("L", "LA"):
        mode = "RGB" + mode[1:]  # a coloured border needs colour channels
    if len(color) == 4 and color[3] < 255 and "A" not in mode:
        mode += "A"  # a see-through border needs an alpha channel
    inner = _shrink_into(image, (pad.width, pad.height)).convert(mode)
    canvas = Image.new(mode, (pad.width, pad.height), ImageColor.getcolor(pad.color, mode))
    canvas.paste(inner, ((pad.width - inner.width) // 2, (pad.height - inner.height) // 2))
    return canvas


def _shrink_into(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    size = fit_inside(image.size, box)
    if size == image.size:
        return image
    # Box-reduce first, then Lanczos, as Image.thumbnail does: far faster on big sources, same look.
    return image.resize(size, _RESAMPLE, reducing_gap=2.0)
