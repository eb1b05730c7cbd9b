"""Litestar's multipart extraction re-reads the form model's type hints on every request; remember them.

`_extract_multipart` calls `FieldDefinition.get_type_hints()` per request, which runs `typing.get_type_hints`
(evaluating every string annotation of the form dataclass) each time: about 3 % of an upload's CPU. A plain
class's annotations do not change once the app is built, so the answer is kept per class. Generic aliases and
parametrised generics keep Litestar's own path.
"""

from __future__ import annotations

import typing
from functools import lru_cache
from typing import Any

from litestar.typing import FieldDefinition

HINTS_CACHE_CLASSES = 256  # distinct annotated classes; the app has a handful of form and body models

_litestar_get_type_hints = FieldDefinition.get_type_hints


@lru_cache(maxsize=HINTS_CACHE_CLASSES)
def _hints_of(cls: type, include_extras: bool) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=include_extras)


def _cached_get_type_hints(
    self: FieldDefinition, *, include_extras: bool = False, resolve_generics: bool = False
) -> dict[str, Any]:
    # The same test as Litestar's: only the plain-class branch is cached.
    if self.origin is not None or self.is_generic or not isinstance(self.annotation, type):
        return _litestar_get_type_hints(self, include_extras=include_extras, resolve_generics=resolve_generics)
    # A copy: callers may change the dict they get; the cached one must stay as typing returned it.
    return dict(_hints_of(self.annotation, include_extras))


def cache_form_type_hints() -> None:
    """Install the cache (idempotent); called once when the app is built."""
    FieldDefinition.get_type_hints = _cached_get_type_hints  # type: ignore[method-assign]
