"""The text fields of a task submission, read at the edge: use cases get values, never JSON text or header names.

The API's multipart routes, the presets route and the dashboard's forms decode `metadata` and `operations` here. The domain's parser
stays the authority on operations, so every error keeps its place in the contract (`operations[1].width`), all of
them at once, where a typed decoder would stop at the first.
"""

from __future__ import annotations

import json
from typing import Any

from application.use_cases.submit_batch import BATCH_KEY_MAX
from application.use_cases.submit_task import IDEMPOTENCY_KEY_MAX
from domain.errors import FieldError, ValidationFailed
from domain.operations import Operation, parse_pipeline
from domain.tasks import check_metadata

IDEMPOTENCY_HEADER = "Idempotency-Key"
BATCH_IDEMPOTENCY_KEY_MAX = BATCH_KEY_MAX  # each task of a batch keeps "<key>#<index>"


def json_field(name: str, raw: str | None) -> object:
    """The JSON value of a text field; None when it is absent or blank."""
    if raw is None or raw.strip() == "":
        return None
    try:
        return json.loads(raw)  # \u0000, \ud800, NaN and 1e400 parse: the domain's checks refuse what no database stores
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise ValidationFailed(FieldError(name, "is not valid JSON")) from None


def metadata_of(raw: str | None) -> dict[str, Any] | None:
    """The user's key/values; the size bound is on the text the client sent, before anything is kept."""
    if raw is None:
        return None
    return check_metadata(json_field("metadata", raw), len(raw.encode()))  # blank: {}


def operations_of(raw: str | list[str] | None) -> tuple[Operation, ...] | None:
    """The pipeline, from one part holding a JSON array or one part per operation; None when none is given."""
    if isinstance(raw, list):  # what a client of the OpenAPI document sends for an array field
        given: object = [json_field(f"operations[{index}]", part) for index, part in enumerate(raw)]
    else:
        given = json_field("operations", raw)
    return pipeline_of(given)


def pipeline_of(given: object) -> tuple[Operation, ...] | None:
    """The operations of decoded JSON values (a list of objects); None when none is given. Raises ValidationFailed."""
    if given is None or given == []:
        return None  # the default pipeline, or the preset's
    return parse_pipeline(given)


def idempotency_key_of(header: str | None, longest: int = IDEMPOTENCY_KEY_MAX) -> str | None:
    """The Idempotency-Key header's value, 1 to `longest` printable characters."""
    if header is None:
        return None
    if not 1 <= len(header) <= IDEMPOTENCY_KEY_MAX or not header.isprintable():
        message = f"must be 1 to {IDEMPOTENCY_KEY_MAX} printable characters"
        raise ValidationFailed(FieldError(IDEMPOTENCY_HEADER, message))
    if len(header) > longest:
        raise ValidationFailed(FieldError(IDEMPOTENCY_HEADER, f"must be at most {longest} characters for a batch"))
    return header
