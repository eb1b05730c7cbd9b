"""Reads the typed fields of one raw operation, collecting every error instead of stopping at the first."""

from __future__ import annotations

import re
from typing import Any

from domain.errors import FieldError, ValidationFailed

_COLOR = re.compile(r"#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?")


class Fields:
    """The fields of one raw operation, `where` naming it in errors (`operations[2]`)."""

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

    def number(self, name: str, above: float, high: float, default: float | None = None, inclusive: bool = False) -> float:
        value = self.raw.get(name, default)
        if value is None:
            return self._error(name, "is required", 0.0)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self._error(name, "must be a number", 0.0)
        if inclusive and not above <= value <= high:
            return self._error(name, f"must be between {above:g} and {high:g}", 0.0)
        if not inclusive and not above < value <= high:
            return self._error(name, f"must be above {above:g} and at most {high:g}", 0.0)
        return float(value)

    def flag(self, name: str) -> bool | None:
        value = self.raw.get(name)
        if value is not None and not isinstance(value, bool):
            return self._error(name, "must be true or false")
        return value

    def text(self, name: str, longest: int) -> str:
        value = self.raw.get(name)
        if not isinstance(value, str) or not value.strip():
            return self._error(name, "is required text", "")
        if len(value) > longest:
            return self._error(name, f"must have at most {longest} characters", "")
        if not value.isprintable() or any("\ud800" <= char <= "\udfff" for char in value):
            return self._error(name, "must be printable text on one line", "")
        return value

    def color(self, name: str, default: str) -> str:
        value = self.raw.get(name, default)
        if not isinstance(value, str) or not _COLOR.fullmatch(value):
            return self._error(name, "must be #rrggbb or #rrggbbaa", default)
        return value.lower()

    def error(self, name: str, message: str) -> None:
        self._error(name, message)

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
