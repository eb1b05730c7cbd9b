"""CreatePreset, ListPresets, GetPreset, DeletePreset, and FindPreset for submissions: a user's named pipelines."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.use_cases.common import UowFactory
from domain.errors import DuplicateRecord, FieldError, PresetNameTaken, PresetNotFound, TooManyPresets, ValidationFailed
from domain.operations import MAX_OPERATIONS, Operation, parse_pipeline, to_dict
from domain.presets import MAX_PRESETS, Preset, check_preset_name
from domain.values import Page


class CreatePreset:
    def __init__(self, uow: UowFactory, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids

    async def __call__(self, owner_id: UUID, name: str, operations: tuple[Operation, ...]) -> Preset:
        """Raises ValidationFailed, PresetNameTaken, TooManyPresets (at MAX_PRESETS)."""
        if not operations:
            raise ValidationFailed(FieldError("operations", f"must be 1 to {MAX_OPERATIONS} operations"))
        name = check_preset_name(name)
        checked = parse_pipeline([to_dict(op) for op in operations])  # the domain's rules, whoever built them
        preset = Preset(self.ids.new(), owner_id, name, checked, self.clock.now())
        try:
            async with self.uow() as uow:
                if not await uow.presets.add_within_limit(preset, MAX_PRESETS):
                    raise TooManyPresets()
                await uow.commit()
        except DuplicateRecord:
            raise PresetNameTaken() from None
        return preset


class ListPresets:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, owner_id: UUID, limit: int, cursor: str | None) -> Page[Preset]:
        """The user's presets, newest first."""
        async with self.uow() as uow:
            return await uow.presets.list(owner_id, limit, cursor)


class GetPreset:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, owner_id: UUID, name: str) -> Preset:
        """Raises PresetNotFound."""
        async with self.uow() as uow:
            preset = await uow.presets.get(owner_id, name)
        if preset is None:
            raise PresetNotFound()
        return preset


class DeletePreset:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, owner_id: UUID, name: str) -> None:
        """Raises PresetNotFound. Tasks submitted with it keep their copy of its operations."""
        async with self.uow() as uow:
            if not await uow.presets.delete(owner_id, name):
                raise PresetNotFound()
            await uow.commit()


async def preset_operations(uow_factory: UowFactory, owner_id: UUID, name: str) -> tuple[Operation, ...]:
    """The operations of the owner's preset, for a submission; an unknown name is the field `preset` in error."""
    check_preset_name(name, "preset")
    async with uow_factory() as uow:
        preset = await uow.presets.get(owner_id, name)
    if preset is None:
        raise ValidationFailed(FieldError("preset", f"you have no preset named {name!r}"))
    return preset.operations
