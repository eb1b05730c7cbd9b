"""Home: the balance, the upload form and the latest tasks; the form posts to POST /upload."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from application.use_cases.read_tasks import ListTasks
from application.use_cases.submit_task import SubmitTask, SubmitTaskCommand
from domain.errors import FieldError, InsufficientCredits, UnsupportedImage, ValidationFailed
from domain.operations import MAX_OPERATIONS
from domain.users import User
from entrypoints.http.dashboard import forms
from entrypoints.http.dashboard.views import page, see_other
from entrypoints.http.rate_limits import RATE_LIMIT, SUBMIT
from entrypoints.http.schemas.tasks import TaskOut
from entrypoints.settings import Settings

RECENT = 5


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
        list_tasks: ListTasks,
        settings: Settings,
    ) -> Template | Redirect:
        """Charge one credit and queue the task, then show it; errors come back next to their fields."""
        form = await request.form()
        fields = forms.UploadForm.read(form)
        image = form.get("image")
        try:
            fields.check()
            if not isinstance(image, UploadFile) or not image.filename:
                raise ValidationFailed(FieldError("image", "choose an image to upload"))
            submitted = await submit_task(
                SubmitTaskCommand(
                    owner_id=viewer.id,
                    title=fields.title,
                    image=await image.read(),
                    metadata=fields.metadata_json(),
                    operations=fields.operations_json(),
                    idempotency_key=str(form.get("idempotency_key") or "") or None,  # a double click charges once
                )
            )
        except ValidationFailed as exc:
            return await _home(request, settings, viewer, list_tasks, fields, {e.field: e.message for e in exc.errors}, 422)
        except UnsupportedImage as exc:
            return await _home(request, settings, viewer, list_tasks, fields, {"image": exc.detail}, 415)
        except InsufficientCredits:
            return see_other("/buy?notice=no-credits")
        finally:
            if isinstance(image, UploadFile):
                await image.close()
        return see_other(f"/tasks/{submitted.task.id}")


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
        live_ids=[task.id for task in recent if task.status in ("queued", "processing")],
        cost=settings.task_cost,
        max_upload_bytes=settings.max_upload_bytes,
        max_upload_mib=settings.max_upload_bytes // (1024 * 1024),
        max_operations=MAX_OPERATIONS,
        idempotency_key=uuid4(),
        specs=list(forms.OPERATIONS.values()),
        params=forms.ALL_PARAMS,
    )
