"""Presets page: name a pipeline with the upload form's operation picker, list the presets, delete one."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from application.use_cases.presets import CreatePreset, DeletePreset, ListPresets
from domain.errors import FieldError, PresetNameTaken, ValidationFailed
from domain.operations import MAX_OPERATIONS, to_dict
from domain.presets import MAX_PRESETS, NAME_MAX, check_preset_name
from domain.users import User
from entrypoints.http.dashboard import forms
from entrypoints.http.dashboard.views import page, see_other

PATH = "/presets"


class PresetsPageController(Controller):
    path = PATH

    @get("/", summary="Presets page")
    async def presets(self, request: Request[Any, Any, Any], viewer: User, list_presets: ListPresets) -> Template:
        """The user's presets with their operations in words, and the form for a new one."""
        return await _presets_page(request, viewer, list_presets, "", forms.UploadForm(), {})

    @post("/", summary="Make a preset")
    async def create(
        self, request: Request[Any, Any, Any], viewer: User, create_preset: CreatePreset, list_presets: ListPresets
    ) -> Template | Redirect:
        """Redirects to the list; a bad name or operation comes back next to its field with the rows kept."""
        form = await request.form()
        name = str(form.get("name") or "").strip()[: NAME_MAX * 2]
        fields = forms.UploadForm.read(form)
        try:
            fields.check()
            if not fields.operations:
                raise ValidationFailed(FieldError("operations", "add at least one operation"))
            check_preset_name(name)  # the name's error first, as ever, before any operation's
            await create_preset(viewer.id, name, fields.pipeline() or ())
        except ValidationFailed as exc:
            errors = {e.field: e.message for e in exc.errors}
            return await _presets_page(request, viewer, list_presets, name, fields, errors, 422)
        except PresetNameTaken:
            errors = {"name": f"you already have a preset named {name}"}
            return await _presets_page(request, viewer, list_presets, name, fields, errors, 409)
        return see_other(f"{PATH}?notice=preset-saved")

    @post("/{name:str}/delete", summary="Delete a preset")
    async def remove(self, name: str, viewer: User, delete_preset: DeletePreset) -> Redirect:
        """Tasks submitted with it keep their operations; another user's or an unknown name is a 404 page."""
        await delete_preset(viewer.id, name)
        return see_other(f"{PATH}?notice=preset-deleted")


async def _presets_page(
    request: Request[Any, Any, Any],
    viewer: User,
    list_presets: ListPresets,
    name: str,
    form: forms.UploadForm,
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    presets = (await list_presets(viewer.id, MAX_PRESETS, None)).items
    rows = [(preset, [to_dict(op) for op in preset.operations]) for preset in presets]
    return page(
        request, "presets.html.j2", viewer, status_code, presets=rows, preset_name=name, form=form, errors=errors,
        max_presets=MAX_PRESETS, max_operations=MAX_OPERATIONS, name_max=NAME_MAX,
        specs=list(forms.OPERATIONS.values()), params=forms.ALL_PARAMS,
    )


