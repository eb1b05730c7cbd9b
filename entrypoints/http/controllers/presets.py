"""Preset routes: create, list, read, delete a user's named pipelines."""

from __future__ import annotations

from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.use_cases.presets import CreatePreset, DeletePreset, GetPreset, ListPresets
from entrypoints.http.auth import SCOPE
from entrypoints.http.controllers.credits import Cursor, Limit
from entrypoints.http.schemas.presets import PresetIn, PresetOut, PresetPage
from entrypoints.http.task_fields import pipeline_of


class PresetsController(Controller):
    path = "/presets"
    opt = {SCOPE: "tasks"}  # API keys need tasks:read or tasks:write: presets are part of submitting
    tags = ["presets"]

    @post("/", status_code=HTTP_201_CREATED, summary="Save a named pipeline (at most 50 per user)")
    async def create(self, data: PresetIn, create_preset: CreatePreset, user_id: UUID) -> PresetOut:
        """A preset that a submission may name as `preset` instead of sending `operations`; 409 when the name is taken."""
        operations = pipeline_of(msgspec.to_builtins(data.operations)) or ()  # the domain judges, as for tasks
        return PresetOut.of(await create_preset(user_id, data.name, operations))

    @get("/", summary="List presets, newest first")
    async def list(self, list_presets: ListPresets, user_id: UUID, limit: Limit = 20, cursor: Cursor = None) -> PresetPage:
        """The user's presets."""
        return PresetPage.of(await list_presets(user_id, limit, cursor))

    @get("/{name:str}", summary="One preset")
    async def read(self, name: str, get_preset: GetPreset, user_id: UUID) -> PresetOut:
        """The preset of that name."""
        return PresetOut.of(await get_preset(user_id, name))

    @delete("/{name:str}", status_code=HTTP_204_NO_CONTENT, summary="Delete a preset")
    async def remove(self, name: str, delete_preset: DeletePreset, user_id: UUID) -> None:
        """Tasks submitted with it keep their copy of its operations."""
        await delete_preset(user_id, name)
