"""SQL presets: the per-user limit is settled under a lock on the owner's row, names by a unique constraint."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import RowMapping, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import page, write
from adapters.sqlalchemy.tables import presets, users
from domain.operations import parse_operation, to_dict
from domain.presets import Preset
from domain.values import Page


def _preset(row: RowMapping) -> Preset:
    return Preset(
        id=row["id"],
        owner_id=row["owner_id"],
        name=row["name"],
        operations=tuple(parse_operation(raw) for raw in row["operations"]),
        created_at=row["created_at"],
    )


class SqlPresetRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add_within_limit(self, preset: Preset, limit: int) -> bool:
        # Concurrent creations for one owner queue on the owner's row (PostgreSQL); SQLite serialises writers.
        await self.session.execute(select(users.c.id).where(users.c.id == preset.owner_id).with_for_update())
        count = await self.session.scalar(select(func.count()).where(presets.c.owner_id == preset.owner_id))
        if (count or 0) >= limit:
            return False
        row = {
            "id": preset.id,
            "owner_id": preset.owner_id,
            "name": preset.name,
            "operations": [to_dict(operation) for operation in preset.operations],
            "created_at": preset.created_at,
        }
        await write(self.session, insert(presets).values(row))
        return True

    async def list(self, owner_id: UUID, limit: int, cursor: str | None) -> Page[Preset]:
        return await page(self.session, presets, select(presets).where(presets.c.owner_id == owner_id), limit, cursor, _preset)

    async def get(self, owner_id: UUID, name: str) -> Preset | None:
        query = select(presets).where(presets.c.owner_id == owner_id, presets.c.name == name)
        row = (await self.session.execute(query)).mappings().one_or_none()
        return _preset(row) if row else None

    async def delete(self, owner_id: UUID, name: str) -> bool:
        statement = delete(presets).where(presets.c.owner_id == owner_id, presets.c.name == name).returning(presets.c.id)
        return (await self.session.execute(statement)).first() is not None
