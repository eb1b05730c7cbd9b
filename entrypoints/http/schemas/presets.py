"""Preset bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from domain.operations import to_dict
from domain.presets import Preset
from domain.values import Page
from entrypoints.http.schemas.operations import OperationIn


class PresetIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern="^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    operations: Annotated[list[OperationIn], msgspec.Meta(min_length=1, max_length=10)]


class PresetOut(msgspec.Struct):
    id: UUID
    name: str
    operations: list[dict[str, Any]]
    created_at: datetime

    @classmethod
    def of(cls, preset: Preset) -> PresetOut:
        return cls(preset.id, preset.name, [to_dict(op) for op in preset.operations], preset.created_at)


class PresetPage(msgspec.Struct):
    items: list[PresetOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Preset]) -> PresetPage:
        return cls([PresetOut.of(preset) for preset in page.items], page.next_cursor)
