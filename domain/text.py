"""Text and JSON that every supported database stores faithfully, so SQLite and PostgreSQL answer alike.

PostgreSQL refuses NUL in text and jsonb, UTF-8 cannot carry a lone UTF-16 surrogate, and JSON has no NaN or
Infinity (Python's parser makes them, and 1e400, into floats that no database keeps).
"""

from __future__ import annotations

import math
import re

from domain.errors import FieldError, ValidationFailed

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
TEXT_MESSAGE = "must not contain NUL characters or lone UTF-16 surrogates"
NUMBER_MESSAGE = "numbers must be finite (no NaN, Infinity or values beyond a double)"


def storable(value: str) -> bool:
    return _UNSTORABLE.search(value) is None


def check_text(field: str, value: str) -> str:
    """The value unchanged; raises ValidationFailed naming `field` when no database could store it."""
    if not storable(value):
        raise ValidationFailed(FieldError(field, TEXT_MESSAGE))
    return value


def check_json(field: str, value: object) -> object:
    """Every key, string and number of a parsed JSON value, walked without recursion (nesting has no bound)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            check_text(field, item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise ValidationFailed(FieldError(field, NUMBER_MESSAGE))
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return value


def printable_for_storage(value: str) -> str:
    """A value recorded as received, with what no database stores replaced (U+FFFD): for logs of foreign input."""
    return _UNSTORABLE.sub("\ufffd", value)
