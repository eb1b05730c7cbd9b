"""The upload form: its fields as the browser sends them, turned into the API's JSON fields and back.

Operation rows arrive as `ops-<i>-op` plus `ops-<i>-<param>`; metadata rows as repeated `meta_key`/`meta_value`.
The operations and their parameters are read off the domain's dataclasses, so the form follows the domain.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from litestar.datastructures import FormMultiDict

from domain.errors import FieldError, ValidationFailed
from domain.operations import MAX_OPERATIONS, MAX_SIDE, Operation
from domain.tasks import TITLE_MAX
from entrypoints.http.task_fields import pipeline_of

LABELS = {
    "resize": "Resize",
    "thumbnail": "Thumbnail",
    "grayscale": "Grayscale",
    "rotate": "Rotate",
    "flip": "Flip",
    "blur": "Blur",
    "sharpen": "Sharpen",
    "format": "Convert format",
    "crop": "Crop",
    "pad": "Pad to a size",
    "watermark": "Watermark",
}
PARAM_LABELS = {
    "width": "Width (px)",
    "height": "Height (px)",
    "fit": "Fit",
    "size": "Size (px): thumbnail side, text height",
    "degrees": "Degrees, counter-clockwise",
    "direction": "Direction",
    "radius": "Radius (0–50)",
    "format": "Format",
    "quality": "Quality (1–100)",
    "left": "Left (px)",
    "top": "Top (px)",
    "gravity": "Keep (cover only)",
    "color": "Colour (#rrggbb or #rrggbbaa)",
    "text": "Text",
    "position": "Position",
    "opacity": "Opacity (0–1)",
    "lossless": "Lossless (WebP)",
    "progressive": "Progressive (JPEG)",
}
# Hints for the browser's own checks and starting values of a new row; the domain decides what is valid.
LIMITS = {
    "width": (1, MAX_SIDE),
    "height": (1, MAX_SIDE),
    "size": (1, MAX_SIDE),
    "degrees": (-360, 360),
    "radius": (0, 50),
    "quality": (1, 100),
    "left": (0, 65535),
    "top": (0, 65535),
    "opacity": (0, 1),
}
STARTING_VALUES = {
    "width": "1024", "height": "1024", "size": "256", "degrees": "90", "radius": "2", "format": "webp", "left": "0", "top": "0"
}
# ops-<row>-<param>: a row number of at most four digits (a 5000-digit one cannot even become an int).
_FIELD = re.compile(r"ops-(\d{1,4})-([a-z_]{1,32})")
MAX_METADATA_ROWS = 50
MAX_FIELDS = 400  # every operation row with all its parameters, every metadata row, and room to spare


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # "int", "number", "choice" (a flag is a choice of "", "true", "false") or "text"
    choices: tuple[str, ...] = ()
    default: Any = None
    used_by: tuple[str, ...] = ()  # the operations that take it

    @property
    def label(self) -> str:
        return PARAM_LABELS.get(self.name, self.name)

    @property
    def limits(self) -> tuple[int | str, int | str]:
        return LIMITS.get(self.name, ("", ""))

    @property
    def start(self) -> str:
        """The value a new row starts with."""
        if self.name in STARTING_VALUES:
            return STARTING_VALUES[self.name]
        if self.default is not None:
            return str(self.default)
        return self.choices[0] if self.choices else ""


@dataclass(frozen=True)
class OperationSpec:
    name: str
    params: tuple[Param, ...]

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)


def _param(f: dataclasses.Field[Any], hint: Any) -> Param:
    default = None if f.default is dataclasses.MISSING else f.default
    arms = [arm for arm in typing.get_args(hint) if arm is not type(None)]
    optional = typing.get_origin(hint) in (typing.Union, types.UnionType) and len(arms) == 1
    unset = ("",) if optional else ()  # an optional field's empty choice leaves it out
    hint = arms[0] if optional else hint
    if typing.get_origin(hint) is typing.Literal:
        return Param(f.name, "choice", unset + typing.get_args(hint), default)
    if hint is bool:
        return Param(f.name, "choice", ("", "true", "false"), default)
    if hint is str:
        return Param(f.name, "text", (), default)
    return Param(f.name, "int" if hint is int else "number", (), default)


def _spec(cls: type) -> OperationSpec:
    hints = typing.get_type_hints(cls)
    params = tuple(_param(f, hints[f.name]) for f in dataclasses.fields(cls) if f.name != "op")
    return OperationSpec(next(f.default for f in dataclasses.fields(cls) if f.name == "op"), params)  # type: ignore[arg-type]


def _names(spec: OperationSpec) -> tuple[str, ...]:
    return tuple(param.name for param in spec.params)


OPERATIONS: dict[str, OperationSpec] = {spec.name: spec for spec in map(_spec, typing.get_args(Operation))}
ALL_PARAMS: tuple[Param, ...] = tuple(
    dataclasses.replace(param, used_by=tuple(s.name for s in OPERATIONS.values() if param.name in _names(s)))
    for param in {p.name: p for spec in OPERATIONS.values() for p in spec.params}.values()
)


@dataclass
class UploadForm:
    """What the user typed, kept to fill the form again after an error (a file input cannot be refilled)."""

    title: str = ""
    metadata: list[tuple[str, str]] = field(default_factory=list)
    operations: list[dict[str, str]] = field(default_factory=list)

    problems: list[FieldError] = field(default_factory=list)

    @classmethod
    def read(cls, form: FormMultiDict) -> UploadForm:
        """One pass over the fields, with every count bounded: a hostile form costs linear time and is refused."""
        items = list(form.multi_items())
        if len(items) > MAX_FIELDS:
            return cls(problems=[FieldError("form", f"the form has more than {MAX_FIELDS} fields")])
        title, keys, values, rows, problems = "", [], [], {}, []
        for name, value in items:
            if name == "title":
                title = str(value)
            elif name == "meta_key":
                keys.append(str(value))
            elif name == "meta_value":
                values.append(str(value))
            elif name.startswith("ops-"):
                if match := _FIELD.fullmatch(name):
                    rows.setdefault(int(match[1]), {})[match[2]] = str(value)
                else:
                    problems.append(FieldError("operations", "an operation row is malformed"))
        metadata = [(k.strip(), v) for k, v in zip(keys, values, strict=False) if k.strip() or v]
        operations = [rows[i] for i in sorted(rows) if "op" in rows[i]]
        if len(metadata) > MAX_METADATA_ROWS:
            problems.append(FieldError("metadata", f"at most {MAX_METADATA_ROWS} rows"))
        if len(operations) > MAX_OPERATIONS:
            problems.append(FieldError("operations", f"at most {MAX_OPERATIONS} operations"))
        if problems:  # nothing of a refused form is echoed back: it could be megabytes
            return cls(title[:TITLE_MAX], problems=problems[:1])
        return cls(title, metadata, operations)

    def check(self) -> None:
        """Raises ValidationFailed for what the form itself refused (too many rows or fields)."""
        if self.problems:
            raise ValidationFailed(self.problems)

    def metadata_value(self) -> dict[str, str] | None:
        """The rows as key/values; raises ValidationFailed for a value without a key or a key given twice."""
        if not self.metadata:
            return None
        keys = Counter(key for key, _ in self.metadata)
        if "" in keys:
            raise ValidationFailed(FieldError("metadata", "every value needs a key"))
        if twice := sorted(key for key, count in keys.items() if count > 1):
            raise ValidationFailed(FieldError("metadata", f"each key once: {', '.join(twice)} appears twice"))
        return dict(self.metadata)

    def operation_values(self) -> list[dict[str, Any]]:
        """The rows as the JSON values of operations, numbers as numbers; the domain's parser judges them."""
        return [_operation(row) for row in self.operations]

    def pipeline(self) -> tuple[Operation, ...] | None:
        """The operations; None when no row was filled (the default pipeline). Raises ValidationFailed."""
        return pipeline_of(self.operation_values())


def _operation(row: dict[str, str]) -> dict[str, Any]:
    spec = OPERATIONS.get(row.get("op", ""))
    if spec is None:
        return {"op": row.get("op", "")}  # the domain names it unknown
    values = {p.name: _typed(p, row[p.name]) for p in spec.params if row.get(p.name, "").strip()}
    return {"op": spec.name, **values}


def _typed(param: Param, raw: str) -> Any:
    """Numbers as numbers; anything unparsable goes through as text, and the domain says what is wrong with it."""
    text = raw.strip()
    if param.choices[1:] == ("true", "false"):
        return text == "true"
    try:
        if param.kind == "int":
            return int(text)
        if param.kind == "number":
            return float(text)
    except ValueError:
        return text
    return text
