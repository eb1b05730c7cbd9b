"""Image operations: value objects, validated before anything is charged.

Each operation says, in `output`, the shape of the image it makes from the shape it is given: the pixel
budget (domain/pixel_budget.py) predicts a whole pipeline from these rules alone, so a new operation needs one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from domain.errors import FieldError, ValidationFailed
from domain.shapes import Shape, fit_inside, rotated_size

MAX_OPERATIONS = 10
MAX_SIDE = 8192
FITS = ("contain", "cover", "fill")
DIRECTIONS = ("horizontal", "vertical")
OUTPUT_FORMATS = ("jpeg", "png", "webp")


@dataclass(frozen=True)
class Resize:
    width: int
    height: int
    fit: Literal["contain", "cover", "fill"] = "contain"
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
    format: Literal["jpeg", "png", "webp"]
    quality: int = 85
    op: Literal["format"] = "format"

    def output(self, shape: Shape) -> Shape:
        return shape


Operation = Resize | Thumbnail | Grayscale | Rotate | Flip | Blur | Sharpen | Format

DEFAULT_PIPELINE: tuple[Operation, ...] = (Resize(width=1024, height=1024, fit="contain"), Grayscale())


def to_dict(operation: Operation) -> dict[str, Any]:
    """The JSON shape of an operation, `op` first."""
    data = asdict(operation)
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
    fields = _Fields(raw, where)
    name = raw.get("op")
    if name == "resize":
        fields.allow("width", "height", "fit")
        op: Operation = Resize(
            width=fields.int("width", 1, MAX_SIDE),
            height=fields.int("height", 1, MAX_SIDE),
            fit=fields.choice("fit", FITS, default="contain"),  # type: ignore[arg-type]
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
        fields.allow("format", "quality")
        op = Format(
            format=fields.choice("format", OUTPUT_FORMATS),  # type: ignore[arg-type]
            quality=fields.int("quality", 1, 100, default=85),
        )
    else:
        raise ValidationFailed(FieldError(f"{where}.op", f"unknown operation {name!r}"))
    fields.raise_if_any()
    return op


class _Fields:
    """Reads typed fields of one raw operation, collecting every error."""

    def __init__(self, raw: dict[str, Any], where: str) -> None:
        self.raw = raw
        self.where = where
        self.errors: list[FieldError] = []

    def allow(self, *names: str) -> None:
        for key in self.raw:
            if key != "op" and key not in names:
                self._error(key, "unknown field")

    def int(self, name: str, low: int, high: int, default: int | None = None) -> int:
        value = self.raw.get(name, default)
        if value is None:
            return self._error(name, "is required", 0)
        if isinstance(value, bool) or not isinstance(value, int):
            return self._error(name, "must be an integer", 0)
        if not low <= value <= high:
            return self._error(name, f"must be between {low} and {high}", 0)
        return value

    def number(self, name: str, above: float, high: float) -> float:
        value = self.raw.get(name)
        if value is None:
            return self._error(name, "is required", 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self._error(name, "must be a number", 0.0)
        if not above < value <= high:
            return self._error(name, f"must be above {above:g} and at most {high:g}", 0.0)
        return float(value)

    def choice(self, name: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.raw.get(name, default)
        if value not in options:
            return self._error(name, f"must be one of {', '.join(options)}", options[0])
        return value  # type: ignore[return-value]

    def _error(self, name: str, message: str, placeholder: Any = None) -> Any:
        self.errors.append(FieldError(f"{self.where}.{name}", message))
        return placeholder

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
