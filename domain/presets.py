"""Presets: a user's named pipelines, given by name at submission instead of the operations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.errors import FieldError, ValidationFailed
from domain.operations import Operation

MAX_PRESETS = 50
NAME_MAX = 64
# Names travel in paths (DELETE /presets/{name}) and form fields: letters, digits and a few marks only.
_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME_MAX - 1}}}")


@dataclass(frozen=True)
class Preset:
    id: UUID
    owner_id: UUID
    name: str
    operations: tuple[Operation, ...]
    created_at: datetime


def check_preset_name(name: str, field: str = "name") -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        message = f"must be 1 to {NAME_MAX} letters, digits, '.', '_' or '-', starting with a letter or digit"
        raise ValidationFailed(FieldError(field, message))
    return name
