"""Where presets are kept: by owner and name."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.presets import Preset
from domain.values import Page


class PresetRepository(Protocol):
    async def add_within_limit(self, preset: Preset, limit: int) -> bool:
        """Insert unless the owner already has `limit` presets (settled by the store); False if refused.
        A name the owner already uses raises DuplicateRecord at commit."""
        ...

    async def list(self, owner_id: UUID, limit: int, cursor: str | None) -> Page[Preset]:
        """The owner's presets, newest first; raises ValidationFailed on a bad cursor."""
        ...

    async def get(self, owner_id: UUID, name: str) -> Preset | None:
        """The owner's preset of that name, or None."""
        ...

    async def delete(self, owner_id: UUID, name: str) -> bool:
        """Remove the owner's preset of that name; False when there is none."""
        ...
