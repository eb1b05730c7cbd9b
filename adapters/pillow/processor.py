"""Pillow behind the ImageProcessor port: header-only probes, and pipelines whose results carry no metadata."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pillow_heif
from PIL import ExifTags, Image

from adapters.pillow.animation import decode_frames, encode_frames
from adapters.pillow.operations import apply, shrink_box, turns_gray
from domain.errors import FieldError, PermanentFailure, UnsupportedImage, ValidationFailed
from domain.formats import check_frames, kept_frames, result_format
from domain.operations import Format, Operation
from domain.pixel_budget import check_pixel_budget
from domain.shapes import decoded, fit_inside
from domain.tasks import preview_size
from domain.values import SUPPORTED_FORMATS, ImageInfo

# What Pillow raises for a file it cannot read or that is cut short (UnidentifiedImageError is an OSError).
_BROKEN = (OSError, SyntaxError, ValueError, EOFError)
_DEFAULT_QUALITY = 85
# libavif's speed 8 of 0-10 (imgproxy's default too): on a 1024×768 photo at quality 60, 62 ms of CPU and 15 KB
# against Pillow's default 6 at 155 ms and 11.5 KB. One thread: a worker already runs several tasks at once.
_AVIF = {"speed": 8, "max_threads": 1}
_PREVIEW_WEBP = {"quality": 75, "method": 0}
pillow_heif.register_heif_opener()  # HEIC/HEIF phone photos; Pillow reads AVIF itself
# EXIF orientation → the transposition that makes the image upright.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIDEWAYS = (5, 6, 7, 8)
_EXIF_IN_HEADER = ("JPEG", "WEBP", "TIFF")  # PNG may keep its EXIF after the pixels: not worth a decode at submission


class PillowImageProcessor:
    def __init__(self, max_pixels: int) -> None:
        self.max_pixels = max_pixels
        self._encoded: tuple[bytes, Image.Image] | None = None  # run()'s last single-frame result and its pixels

    def probe(self, data: bytes) -> ImageInfo:
        """Header-only look at format and size; raises UnsupportedImage, or ValidationFailed over the pixel cap."""
        with self._open(data) as image:
            info = _describe(image, data)
            if info.format in _EXIF_IN_HEADER and _header_orientation(image) in _SIDEWAYS:
                info = replace(info, sideways=True)  # crops are judged on the picture as it is shown
            return info

    def run(self, data: bytes, operations: tuple[Operation, ...]) -> tuple[bytes, ImageInfo]:
        """Decode, apply, strip metadata, encode; raises PermanentFailure for a broken image. Blocking."""
        try:
            source = self._open(data)
        except (UnsupportedImage, ValidationFailed) as exc:
            raise PermanentFailure(exc.detail) from exc  # the same bytes will fail the same way
        with source:
            frames = kept_frames(_format(source), _frame_count(source), operations)
            self._check_budget(source, frames, operations)
            encoding, params = _encoding(operations, _format(source), frames)
            if frames > 1:
                result = _run_animation(source, operations, encoding, params)
            else:
                orientation = _orientation(source)  # PNG may decode everything to find its EXIF: after the check
                image = apply(_decode(source, orientation, operations), operations)
                result, encoded = _encode(image, encoding, params)
                del image
                # Kept for preview(result): the pixels just encoded make it without decoding the result again.
                self._encoded = result, encoded
        with Image.open(BytesIO(result)) as reopened:  # header only: what a reader of the file will see
            return result, _describe(reopened, result)

    def preview(self, data: bytes) -> bytes:
        """A WebP of an image (an animation's first frame), its longest side 320; Blocking."""
        encoded, self._encoded = self._encoded, None
        if encoded is not None and encoded[0] is data:
            return _small_webp(_normalise(encoded[1]))  # the result run() just made, still in memory
        try:
            with Image.open(BytesIO(data)) as image:
                image.draft("RGB", preview_size(*image.size))  # JPEG decodes at 1/2..1/8 scale: cheap
                image.load()
                return _small_webp(_normalise(image))
        except _BROKEN as exc:
            raise PermanentFailure("the result cannot be previewed") from exc

    def _check_budget(self, source: Image.Image, frames: int, operations: tuple[Operation, ...]) -> None:
        """The submission's rule again, from the header, before a single pixel is allocated."""
        try:
            check_frames(frames)
            check_pixel_budget(decoded(source.width, source.height, source.mode, frames), operations, self.max_pixels)
        except ValidationFailed as exc:
            raise PermanentFailure(f"the image is too large to process: {exc.detail}") from exc

    def _open(self, data: bytes) -> Image.Image:
        try:
            image = Image.open(BytesIO(data), formats=SUPPORTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            # Pillow's own guard fires at open, before the size is ours to read.
            raise ValidationFailed(FieldError("image", f"too many pixels, at most {self.max_pixels:,}")) from exc
        except _BROKEN as exc:
            raise UnsupportedImage("not a JPEG, PNG, WebP, GIF, BMP, TIFF, AVIF or HEIC image") from exc
        width, height = image.size
        if width * height > self.max_pixels:
            image.close()
            message = f"{width}×{height} is {width * height:,} pixels, at most {self.max_pixels:,}"
            raise ValidationFailed(FieldError("image", message))
        return image


def _header_orientation(image: Image.Image) -> int | None:
    try:
        return image.getexif().get(ExifTags.Base.Orientation)
    except _BROKEN:
        return None  # a broken EXIF is dropped by the worker anyway


def _orientation(image: Image.Image) -> int | None:
    try:
        return image.getexif().get(ExifTags.Base.Orientation)
    except _BROKEN as exc:
        raise PermanentFailure("the image is damaged or truncated") from exc


def _decode(image: Image.Image, orientation: int | None, operations: tuple[Operation, ...]) -> Image.Image:
    """The first frame, upright, in RGB, RGBA, L or LA, decoded no larger than the pipeline needs."""
    try:
        box = shrink_box(operations)
        # Only JPEG acts on a draft: a colour JPEG decodes its luma plane alone as "L" (no chroma upsampling, no
        # colour conversion, a third of the pixels for what follows), and decodes at 1/2, 1/4 or 1/8 scale, never
        # below the size needed. About 40% less time on a 4000×3000 photo into the default pipeline.
        mode = "L" if image.mode == "RGB" and turns_gray(operations) else image.mode
        if box and orientation in _SIDEWAYS:
            box = box[1], box[0]  # the box is for the upright image; the decoder sees it on its side
        if box or mode != image.mode:
            image.draft(mode, fit_inside(image.size, box) if box else None)
        image.load()
    except _BROKEN as exc:
        raise PermanentFailure("the image is damaged or truncated") from exc
    # Not ImageOps.exif_transpose: it rewrites the EXIF and raises on malformed tags we drop anyway.
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    return _normalise(image)


def _normalise(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I;16"):
        image = image.point(lambda value: value / 256)  # 16-bit samples: a plain convert clips them to white
    gray = image.mode in ("1", "L", "LA", "I", "F") or image.mode.startswith("I;16")
    alpha = image.has_transparency_data
    mode = ("LA" if alpha else "L") if gray else ("RGBA" if alpha else "RGB")
    return image if image.mode == mode else image.convert(mode)


def _run_animation(source: Image.Image, operations: tuple[Operation, ...], encoding: str, params: dict[str, object]) -> bytes:
    try:
        frames = decode_frames(source, _normalise)
    except _BROKEN as exc:
        raise PermanentFailure("the animation is damaged or truncated") from exc
    placed: dict[int, tuple[float, float]] = {}  # a smart crop follows the first frame: no jumping about
    for index, image in enumerate(frames.images):
        frames.images[index] = apply(image, operations, placed)  # each source frame is freed once processed
    try:
        return encode_frames(frames, encoding, params)
    except (OSError, ValueError, RuntimeError) as exc:
        raise PermanentFailure(f"the result cannot be encoded as {encoding}: {exc}") from exc


def _frame_count(image: Image.Image) -> int:
    try:
        return int(getattr(image, "n_frames", 1))
    except _BROKEN as exc:
        raise PermanentFailure("the animation is damaged or truncated") from exc


def _encoding(operations: tuple[Operation, ...], source_format: str, frames: int) -> tuple[str, dict[str, object]]:
    """Pillow's name for the output format and its save parameters: the last `format` op's, else the source's."""
    encoding = result_format(source_format, frames, operations)
    extra = _AVIF if encoding == "AVIF" else {}
    formats = [operation for operation in operations if isinstance(operation, Format)]
    if not formats:
        return encoding, {"quality": _DEFAULT_QUALITY, **extra}
    chosen = formats[-1]
    params: dict[str, object] = {"quality": chosen.quality, **extra}
    if chosen.lossless and chosen.format == "webp":
        params["lossless"] = True  # PNG is lossless anyway
    if chosen.progressive:
        params["progressive"] = True
    return encoding, params


def _encode(image: Image.Image, encoding: str, params: dict[str, object]) -> tuple[bytes, Image.Image]:
    """The encoded bytes and the pixels that went into them (flattened for JPEG)."""
    if encoding == "JPEG":
        image = _flatten(image)
    # Pillow writes some of `info` back (JPEG comments, PNG ICC profiles); results carry none of it.
    image.info = {}
    out = BytesIO()
    try:
        image.save(out, encoding, **params)  # PNG ignores quality
    except (OSError, ValueError) as exc:
        raise PermanentFailure(f"the result cannot be encoded as {encoding}: {exc}") from exc
    return out.getvalue(), image


def _small_webp(image: Image.Image) -> bytes:
    """The preview: longest side 320, WebP. Cheap on purpose, since every task makes one: a box reduce to within
    1× of the size before Lanczos (not 2×: a third of the time, the same look at 320 px), and libwebp's fastest
    method 0 (a quarter of method 4's time for files ~0.8 KB larger at 320 px)."""
    small = image.resize(preview_size(*image.size), Image.Resampling.LANCZOS, reducing_gap=1.0)
    return _encode(small, "WEBP", _PREVIEW_WEBP)[0]


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG holds no alpha: composite onto white, as a viewer would, instead of exposing hidden colours."""
    if "A" not in image.getbands():
        return image
    background = Image.new(image.mode[:-1], image.size, "white")  # RGBA → RGB, LA → L
    background.paste(image, mask=image.getchannel("A"))
    return background


def _format(image: Image.Image) -> str:
    # A phone photo holding a second picture opens as MPO; the file is a JPEG.
    return "JPEG" if image.format == "MPO" else str(image.format)


def _describe(image: Image.Image, data: bytes) -> ImageInfo:
    try:
        frames = int(getattr(image, "n_frames", 1))  # GIF walks its blocks without decoding them: cheap
    except _BROKEN:
        frames = 1  # a damaged animation: the worker finds out, fails and refunds
    return ImageInfo(_format(image), image.width, image.height, image.mode, len(data), frames)
