"""Home: the balance, the upload form and the latest tasks; the form posts to POST /upload (one file or several)."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from application.use_cases.read_tasks import ListTasks
from application.use_cases.submit_batch import MAX_BATCH, SubmitBatch
from application.use_cases.submit_task import SubmitTask, SubmitTaskCommand
from domain.errors import FieldError, InsufficientCredits, UnsupportedImage, ValidationFailed
from domain.operations import MAX_OPERATIONS
from domain.users import User
from entrypoints.http.dashboard import forms
from entrypoints.http.dashboard.uploads import batch_command, chosen_images, close_all
from entrypoints.http.dashboard.views import page, see_other
from entrypoints.http.rate_limits import RATE_LIMIT, SUBMIT
from entrypoints.http.schemas.tasks import TaskOut
from entrypoints.http.task_fields import idempotency_key_of
from entrypoints.settings import Settings

RECENT = 5
_IMAGE_INDEX = re.compile(r"image\[(\d{1,2})\]")


class HomeController(Controller):

    @get("/", summary="Home: balance, upload form, latest tasks")
    async def home(self, request: Request[Any, Any, Any], viewer: User, list_tasks: ListTasks, settings: Settings) -> Template:
        """The upload form, or the way to buy credits when there are none."""
        return await _home(request, settings, viewer, list_tasks, forms.UploadForm(), {})

    @get("/upload", summary="Where a form error left the browser: back to the form")
    async def upload_page(self) -> Redirect:
        """A reload or a bookmark of /upload opens the form (the POST's answer is not a page to come back to)."""
        return see_other("/")

    @post("/upload", opt={RATE_LIMIT: SUBMIT}, summary="Submit the upload form")
    async def upload(
        self,
        request: Request[Any, Any, Any],
        viewer: User,
        submit_task: SubmitTask,
        submit_batch: SubmitBatch,
        list_tasks: ListTasks,
        settings: Settings,
    ) -> Template | Redirect:
        """Charge a credit per file and queue the tasks, then show the task (or, for several, the history);
        errors come back next to their fields. This is what a browser without the page's script posts."""
        form = await request.form()
        fields = forms.UploadForm.read(form)
        images: list[UploadFile] = []
        key = str(form.get("idempotency_key") or "") or None  # a double click charges once
        try:
            fields.check()
            images = chosen_images(form)
            if len(images) > 1:
                await submit_batch(await batch_command(viewer.id, fields, images, key))
                return see_other("/tasks?notice=batch")
            submitted = await submit_task(
                SubmitTaskCommand(
                    owner_id=viewer.id,
                    title=fields.title,
                    image=await images[0].read(),
                    metadata=fields.metadata_value(),
                    operations=fields.pipeline(),
                    idempotency_key=idempotency_key_of(key),
                )
            )
        except ValidationFailed as exc:
            return await _home(request, settings, viewer, list_tasks, fields, _by_field(exc.errors, images), 422)
        except UnsupportedImage as exc:
            errors = _by_field(exc.errors, images) if exc.errors else {"image": exc.detail}
            return await _home(request, settings, viewer, list_tasks, fields, errors, 415)
        except InsufficientCredits:
            return see_other("/buy?notice=no-credits")
        finally:
            await close_all(images)
        return see_other(f"/tasks/{submitted.task.id}")


def _by_field(errors: list[FieldError], images: list[UploadFile]) -> dict[str, str]:
    """Field errors for the form; a batch's `image[i]` is said of the file by its name, under the image field."""
    shown: dict[str, str] = {}
    for error in errors:
        if match := _IMAGE_INDEX.fullmatch(error.field):
            index = int(match[1])
            name = images[index].filename if index < len(images) else f"file {index + 1}"
            shown["image"] = f"{name}: {error.message}"
        else:
            shown[error.field] = error.message
    return shown


async def _home(
    request: Request[Any, Any, Any],
    settings: Settings,
    viewer: User,
    list_tasks: ListTasks,
    form: forms.UploadForm,
    errors: dict[str, str],
    status_code: int = 200,
) -> Template:
    recent = [TaskOut.of(task) for task in (await list_tasks(viewer.id, None, RECENT, None)).items]
    return page(
        request,
        "home.html.j2",
        viewer,
        status_code,
        form=form,
        errors=errors,
        recent=recent,
        recent_max=RECENT,
        live_ids=[task.id for task in recent if task.status in ("queued", "processing")],
        cost=settings.task_cost,
        max_upload_bytes=settings.max_upload_bytes,
        max_upload_mib=settings.max_upload_bytes // (1024 * 1024),
        max_operations=MAX_OPERATIONS,
        max_files=MAX_BATCH,
        idempotency_key=uuid4(),
        specs=list(forms.OPERATIONS.values()),
        params=forms.ALL_PARAMS,
    )
