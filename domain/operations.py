"""Image operations: value objects, validated before anything is charged.

Each operation says, in `output`, the shape of the image it makes from the shape it is given: the pixel
budget (domain/pixel_budget.py) predicts a whole pipeline from these rules alone, so a new operation needs one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal, get_args

from domain.errors import FieldError, ValidationFailed
from domain.operation_fields import Fields
from domain.shapes import Shape, fit_inside, rotated_size

MAX_OPERATIONS = 10
MAX_SIDE = 8192
FITS = ("contain", "cover", "fill")
DIRECTIONS = ("horizontal", "vertical")
OUTPUT_FORMATS = ("jpeg", "png", "webp", "avif", "gif")
LOSSLESS_FORMATS = ("webp", "png")
# Where a cover crop or a watermark sits; `smart` (cover only) keeps the most detailed region.
Position = Literal["center", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest"]
Gravity = Literal[
    "center", "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "smart"
]
POSITIONS: tuple[str, ...] = get_args(Position)
GRAVITIES: tuple[str, ...] = get_args(Gravity)
MAX_OFFSET = 65_535  # crop offsets beyond any decodable image are refused outright
WATERMARK_TEXT_MAX = 200
WATERMARK_SIZE_MAX = 1024


@dataclass(frozen=True)
class Resize:
    width: int
    height: int
    fit: Literal["contain", "cover", "fill"] = "contain"
    gravity: Gravity | None = None  # cover only; None is the centre
    op: Literal["resize"] = "resize"

    def output(self, shape: Shape) -> Shape:
        """Cover and fill set the size exactly; contain fits inside, never larger."""
        if self.fit == "contain":
            return shape.resized(*fit_inside((shape.width, shape.height), (self.width, self.height)))
        return shape.resized(self.width, self.height)


@dataclass(frozen=True)
class Thumbnail:
    size: int
    op: Literal["thumbnail"] = "thumbnail"

    def output(self, shape: Shape) -> Shape:
        return shape.resized(*fit_inside((shape.width, shape.height), (self.size, self.size)))


@dataclass(frozen=True)
class Grayscale:
    op: Literal["grayscale"] = "grayscale"

    def output(self, shape: Shape) -> Shape:
        return shape.gray()


@dataclass(frozen=True)
class Rotate:
    degrees: int
    op: Literal["rotate"] = "rotate"

    def output(self, shape: Shape) -> Shape:
        """The canvas grows to hold the turned image: `rotate 45` of a square doubles its area."""
        return shape.resized(*rotated_size((shape.width, shape.height), self.degrees))


@dataclass(frozen=True)
class Flip:
    direction: Literal["horizontal", "vertical"]
    op: Literal["flip"] = "flip"

    def output(self, shape: Shape) -> Shape:
        return shape


@dataclass(frozen=True)
class Blur:
    radius: float
    op: Literal["blur"] = "blur"

    def output(self, shape: Shape) -> Shape:
        return shape


@dataclass(frozen=True)
class Sharpen:
    op: Literal["sharpen"] = "sharpen"

    def output(self, shape: Shape) -> Shape:
        return shape


@dataclass(frozen=True)
class Format:
    format: Literal["jpeg", "png", "webp", "avif", "gif"]
    quality: int = 85
    lossless: bool | None = None  # WebP and PNG
    progressive: bool | None = None  # JPEG
    op: Literal["format"] = "format"

    def output(self, shape: Shape) -> Shape:
        return shape


@dataclass(frozen=True)
class Crop:
    left: int
    top: int
    width: int
    height: int
    op: Literal["crop"] = "crop"

    def output(self, shape: Shape) -> Shape:
        """The box, which must lie inside the image (domain/geometry.py checks it)."""
        return shape.resized(self.width, self.height)


@dataclass(frozen=True)
class Pad:
    """Letterbox: shrink to fit inside width×height if needed, then centre on a canvas of that exact size."""

    width: int
    height: int
    color: str = "#000000"
    op: Literal["pad"] = "pad"

    def output(self, shape: Shape) -> Shape:
        """The exact size; a coloured border needs colour channels, a see-through one an alpha channel."""
        red, green, blue, alpha = rgba(self.color)
        colour = shape.mode.startswith("RGB") or not red == green == blue
        transparent = "A" in shape.mode or alpha < 255
        mode = ("RGB" if colour else "L") + ("A" if transparent else "")
        return Shape(self.width, self.height, mode, shape.frames)


@dataclass(frozen=True)
class Watermark:
    text: str
    position: Position = "southeast"
    opacity: float = 0.5
    size: int = 24
    op: Literal["watermark"] = "watermark"

    def output(self, shape: Shape) -> Shape:
        return shape


def rgba(color: str) -> tuple[int, int, int, int]:
    """`#rrggbb` or `#rrggbbaa` as four values 0..255 (opaque when no alpha is given)."""
    digits = color[1:] + ("" if len(color) == 9 else "ff")
    red, green, blue, alpha = (int(digits[i : i + 2], 16) for i in range(0, 8, 2))
    return red, green, blue, alpha


Operation = Resize | Thumbnail | Grayscale | Rotate | Flip | Blur | Sharpen | Format | Crop | Pad | Watermark

DEFAULT_PIPELINE: tuple[Operation, ...] = (Resize(width=1024, height=1024, fit="contain"), Grayscale())


def to_dict(operation: Operation) -> dict[str, Any]:
    """The JSON shape of an operation, `op` first; optional fields left unset are left out."""
    data = {key: value for key, value in asdict(operation).items() if value is not None}
    return {"op": data.pop("op"), **data}


def parse_pipeline(raw: object) -> tuple[Operation, ...]:
    """Validate a decoded JSON list of operations; empty or None means the default pipeline."""
    if raw is None:
        return DEFAULT_PIPELINE
    if not isinstance(raw, list):
        raise ValidationFailed(FieldError("operations", "must be a JSON array of operations"))
    if not raw:
        return DEFAULT_PIPELINE
    if len(raw) > MAX_OPERATIONS:
        raise ValidationFailed(FieldError("operations", f"at most {MAX_OPERATIONS} operations"))
    errors: list[FieldError] = []
    parsed: list[Operation] = []
    for index, item in enumerate(raw):
        try:
            parsed.append(parse_operation(item, f"operations[{index}]"))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    return tuple(parsed)


def parse_operation(raw: object, where: str = "operation") -> Operation:
    if not isinstance(raw, dict):
        raise ValidationFailed(FieldError(where, "must be an object with an 'op' field"))
    fields = Fields(raw, where)
    name = raw.get("op")
    if name == "resize":
        fields.allow("width", "height", "fit", "gravity")
        fit = fields.choice("fit", FITS, default="contain")
        gravity = fields.choice("gravity", GRAVITIES, default="center") if "gravity" in raw else None
        if gravity is not None and fit != "cover":
            fields.error("gravity", "applies only with fit cover")
        op: Operation = Resize(
            width=fields.int("width", 1, MAX_SIDE),
            height=fields.int("height", 1, MAX_SIDE),
            fit=fit,  # type: ignore[arg-type]
            gravity=gravity,  # type: ignore[arg-type]
        )
    elif name == "thumbnail":
        fields.allow("size")
        op = Thumbnail(size=fields.int("size", 1, MAX_SIDE))
    elif name == "grayscale":
        fields.allow()
        op = Grayscale()
    elif name == "rotate":
        fields.allow("degrees")
        op = Rotate(degrees=fields.int("degrees", -360, 360))
    elif name == "flip":
        fields.allow("direction")
        op = Flip(direction=fields.choice("direction", DIRECTIONS))  # type: ignore[arg-type]
    elif name == "blur":
        fields.allow("radius")
        op = Blur(radius=fields.number("radius", 0, 50))
    elif name == "sharpen":
        fields.allow()
        op = Sharpen()
    elif name == "format":
        op = _format(fields)
    elif name == "crop":
        fields.allow("left", "top", "width", "height")
        op = Crop(
            left=fields.int("left", 0, MAX_OFFSET),
            top=fields.int("top", 0, MAX_OFFSET),
            width=fields.int("width", 1, MAX_SIDE),
            height=fields.int("height", 1, MAX_SIDE),
        )
    elif name == "pad":
        fields.allow("width", "height", "color")
        op = Pad(
            width=fields.int("width", 1, MAX_SIDE),
            height=fields.int("height", 1, MAX_SIDE),
            color=fields.color("color", default="#000000"),
        )
    elif name == "watermark":
        fields.allow("text", "position", "opacity", "size")
        op = Watermark(
            text=fields.text("text", WATERMARK_TEXT_MAX),
            position=fields.choice("position", POSITIONS, default="southeast"),  # type: ignore[arg-type]
            opacity=fields.number("opacity", 0, 1, default=0.5, inclusive=True),
            size=fields.int("size", 1, WATERMARK_SIZE_MAX, default=24),
        )
    else:
        raise ValidationFailed(FieldError(f"{where}.op", f"unknown operation {name!r}"))
    fields.raise_if_any()
    return op


def _format(fields: Fields) -> Format:
    fields.allow("format", "quality", "lossless", "progressive")
    encoding = fields.choice("format", OUTPUT_FORMATS)
    lossless = fields.flag("lossless")
    progressive = fields.flag("progressive")
    if lossless is not None and encoding not in LOSSLESS_FORMATS:
        fields.error("lossless", "applies only to webp and png")
    if progressive is not None and encoding != "jpeg":
        fields.error("progressive", "applies only to jpeg")
    return Format(
        format=encoding,  # type: ignore[arg-type]
        quality=fields.int("quality", 1, 100, default=85),
        lossless=lossless,
        progressive=progressive,
    )
