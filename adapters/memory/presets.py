"""In-memory presets; the unit of work's lock serialises them as SQLite serialises writers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

from adapters.memory.state import newest_first_page
from domain.errors import DuplicateRecord
from domain.presets import Preset
from domain.values import Page

if TYPE_CHECKING:
    from adapters.memory.state import MemoryState


class MemoryPresetRepository:
    def __init__(self, state: MemoryState, undo: Callable[[], None]) -> None:
        self.state = state
        self.undo = undo

    def _owned(self, owner_id: UUID) -> list[Preset]:
        return [preset for preset in self.state.presets.values() if preset.owner_id == owner_id]

    async def add_within_limit(self, preset: Preset, limit: int) -> bool:
        owned = self._owned(preset.owner_id)
        if len(owned) >= limit:
            return False
        if any(existing.name == preset.name for existing in owned):
            self.undo()  # as a database aborts the transaction on a broken unique rule
            raise DuplicateRecord(f"preset {preset.name!r} exists")
        self.state.presets[preset.id] = preset
        return True

    async def list(self, owner_id: UUID, limit: int, cursor: str | None) -> Page[Preset]:
        return newest_first_page(self._owned(owner_id), limit, cursor)

    async def get(self, owner_id: UUID, name: str) -> Preset | None:
        return next((dataclasses.replace(p) for p in self._owned(owner_id) if p.name == name), None)

    async def delete(self, owner_id: UUID, name: str) -> bool:
        preset = await self.get(owner_id, name)
        if preset is None:
            return False
        del self.state.presets[preset.id]
        return True
