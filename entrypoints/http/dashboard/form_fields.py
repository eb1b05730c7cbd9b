"""Reading one field of a posted form as text of a bounded length."""

from __future__ import annotations

from litestar.datastructures import FormMultiDict


def field(form: FormMultiDict, name: str, max_length: int) -> str:
    """The field's first value as text, cut at max_length: a megabyte typed into a box is refused, never echoed.

    Callers pass one more than the longest valid value, so an over-long entry still fails the domain's check.
    """
    value = form.get(name)
    return value[:max_length] if isinstance(value, str) else ""
