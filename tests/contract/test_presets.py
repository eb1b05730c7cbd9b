"""PresetRepository: by owner and name, newest first in pages, one name per owner, a limit kept under a race."""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

import pytest

from domain.errors import DuplicateRecord
from domain.operations import Crop, Format, Pad, Resize, Watermark
from domain.presets import Preset
from tests.contract.builders import UowFactory, a_user, at, given

OPERATIONS = (Crop(1, 2, 3, 4), Resize(5, 6, "cover", "smart"), Pad(7, 8, "#ff000080"), Watermark("©"), Format("avif", 40))


def a_preset(owner_id: UUID, name: str = "square", created: float = 0) -> Preset:
    return Preset(id=uuid.uuid4(), owner_id=owner_id, name=name, operations=OPERATIONS, created_at=at(created))


async def add(uow_factory: UowFactory, preset: Preset, limit: int = 50) -> bool:
    async with uow_factory() as uow:
        added = await uow.presets.add_within_limit(preset, limit)
        await uow.commit()
    return added


async def test_a_preset_comes_back_with_its_operations_by_owner_and_name(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    await given(uow_factory, owner, other)
    preset = a_preset(owner.id)
    assert await add(uow_factory, preset)

    async with uow_factory() as uow:
        assert await uow.presets.get(owner.id, "square") == preset
        assert await uow.presets.get(other.id, "square") is None
        assert await uow.presets.get(owner.id, "other") is None


async def test_the_owner_lists_presets_newest_first_in_pages(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    await given(uow_factory, owner, other)
    presets = [a_preset(owner.id, f"p{i}", created=i) for i in range(3)]
    for preset in [*presets, a_preset(other.id)]:
        await add(uow_factory, preset)

    async with uow_factory() as uow:
        first = await uow.presets.list(owner.id, 2, None)
        rest = await uow.presets.list(owner.id, 2, first.next_cursor)
    assert [p.name for p in first.items + rest.items] == ["p2", "p1", "p0"]
    assert rest.next_cursor is None


async def test_a_name_taken_by_the_owner_is_a_duplicate_and_nothing_is_kept(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    await given(uow_factory, owner, other)
    await add(uow_factory, a_preset(owner.id))
    assert await add(uow_factory, a_preset(other.id))  # another owner may use the name

    with pytest.raises(DuplicateRecord):
        async with uow_factory() as uow:
            await uow.presets.add_within_limit(a_preset(owner.id, "fresh"), 50)
            await uow.presets.add_within_limit(a_preset(owner.id), 50)
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.presets.get(owner.id, "fresh") is None  # the whole unit of work was undone


async def test_only_the_owner_deletes_a_preset(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    await given(uow_factory, owner, other)
    await add(uow_factory, a_preset(owner.id))

    async with uow_factory() as uow:
        assert not await uow.presets.delete(other.id, "square")
        assert await uow.presets.delete(owner.id, "square")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.presets.get(owner.id, "square") is None
        assert not await uow.presets.delete(owner.id, "square")


async def test_the_limit_holds_under_concurrent_creations(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    await add(uow_factory, a_preset(user.id, "first"), limit=3)

    results = await asyncio.gather(*(add(uow_factory, a_preset(user.id, f"n{i}"), limit=3) for i in range(6)))

    assert sorted(results) == [False] * 4 + [True] * 2
    async with uow_factory() as uow:
        assert len((await uow.presets.list(user.id, 100, None)).items) == 3
