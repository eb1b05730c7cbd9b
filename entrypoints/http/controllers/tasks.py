"""Task routes: submit, list, read, follow, download, delete (sharing is in share_links.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, HeaderParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage, Stream
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application.use_cases.read_tasks import GetTask, ListTasks, TaskEvents
from application.use_cases.submit_batch import SubmitBatch, SubmitBatchCommand
from application.use_cases.submit_task import SubmitTask, SubmitTaskCommand
from application.use_cases.task_files.delete_task import DeleteTask
from application.use_cases.task_files.get_preview import GetPreview
from application.use_cases.task_files.get_result import GetResult
from application.use_cases.task_files.get_source import GetSource
from application.use_cases.task_files.stream import FileStream
from domain.tasks import Status, Task
from entrypoints.http.auth import SCOPE
from entrypoints.http.controllers.credits import Cursor, Limit
from entrypoints.http.rate_limits import RATE_LIMIT, SUBMIT
from entrypoints.http.schemas.tasks import BatchForm, TaskBatchOut, TaskForm, TaskOut, TaskPage
from entrypoints.http.task_fields import BATCH_IDEMPOTENCY_KEY_MAX, idempotency_key_of, metadata_of, operations_of

IdempotencyKey = Annotated[
    str | None, HeaderParameter(name="Idempotency-Key", required=False, description="Retry-safe submission key (24 h)")
]


def image_response(file: FileStream, download_name: str | None = None) -> Stream:
    headers = {"X-Content-Type-Options": "nosniff", "Content-Length": str(file.info.bytes), "Cache-Control": "private"}
    if download_name:
        headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return Stream(file.chunks, media_type=file.info.content_type, headers=headers)


class TasksController(Controller):
    path = "/tasks"
    opt = {SCOPE: "tasks"}  # API keys need tasks:read or tasks:write
    tags = ["tasks"]

    @post("/", status_code=HTTP_202_ACCEPTED, opt={RATE_LIMIT: SUBMIT}, summary="Submit an image task (one credit)")
    async def submit(
        self,
        data: Annotated[TaskForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        submit_task: SubmitTask,
        user_id: UUID,
        idempotency_key: IdempotencyKey = None,
    ) -> TaskOut:
        """Accept an upload: validated, charged one credit and queued in one transaction."""
        image = await data.image.read()
        await data.image.close()
        submitted = await submit_task(
            SubmitTaskCommand(
                owner_id=user_id,
                title=data.title,
                image=image,
                metadata=metadata_of(data.metadata),
                operations=operations_of(data.operations),
                idempotency_key=idempotency_key_of(idempotency_key),
                preset=data.preset,
            )
        )
        return TaskOut.of(submitted.task)

    @post("/batch", status_code=HTTP_202_ACCEPTED, opt={RATE_LIMIT: SUBMIT}, summary="Submit 1 to 20 images at once")
    async def submit_batch(
        self,
        data: Annotated[BatchForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        submit_batch: SubmitBatch,
        user_id: UUID,
        idempotency_key: IdempotencyKey = None,
    ) -> TaskBatchOut:
        """All or nothing: every file valid and N credits charged in one transaction, or nothing charged."""
        images = []
        for upload in data.image if isinstance(data.image, list) else [data.image]:
            images.append(await upload.read())
            await upload.close()
        tasks = await submit_batch(
            SubmitBatchCommand(
                owner_id=user_id,
                title=data.title,
                images=images,
                metadata=metadata_of(data.metadata),
                operations=operations_of(data.operations),
                idempotency_key=idempotency_key_of(idempotency_key, BATCH_IDEMPOTENCY_KEY_MAX),
                preset=data.preset,
            )
        )
        return TaskBatchOut([TaskOut.of(task) for task in tasks])

    @get("/", summary="List tasks, newest first")
    async def list(
        self, list_tasks: ListTasks, user_id: UUID, limit: Limit = 20, cursor: Cursor = None, status: Status | None = None
    ) -> TaskPage:
        """The user's tasks, optionally of one status."""
        return TaskPage.of(await list_tasks(user_id, status, limit, cursor))

    @get("/{task_id:uuid}", summary="One task")
    async def read(self, task_id: UUID, get_task: GetTask, user_id: UUID) -> TaskOut:
        """The task with its status, images' info and error."""
        return TaskOut.of(await get_task(user_id, task_id))

    @get("/{task_id:uuid}/events", summary="Follow a task's status (server-sent events)")
    async def events(self, task_id: UUID, task_events: TaskEvents, user_id: UUID) -> ServerSentEvent:
        """`event: status` with the task JSON now and at every change; ends when completed or failed."""
        return ServerSentEvent(_status_events(await task_events(user_id, task_id)))

    @get("/{task_id:uuid}/source", summary="Download the uploaded image")
    async def source(self, task_id: UUID, get_source: GetSource, user_id: UUID) -> Stream:
        """The uploaded bytes with their own content type."""
        return image_response(await get_source(user_id, task_id))

    @get("/{task_id:uuid}/result", summary="Download the processed image")
    async def result(self, task_id: UUID, get_result: GetResult, user_id: UUID) -> Stream:
        """The processed bytes; 409 unless completed."""
        return image_response(await get_result(user_id, task_id))

    @get("/{task_id:uuid}/preview", summary="A small WebP of the result (longest side 320)")
    async def preview(self, task_id: UUID, get_preview: GetPreview, user_id: UUID) -> Stream:
        """The preview made with the result; 409 unless completed."""
        return image_response(await get_preview(user_id, task_id))

    @delete("/{task_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Delete a task and its images")
    async def remove(self, task_id: UUID, delete_task: DeleteTask, user_id: UUID) -> None:
        """Task, source and result are gone; no refund."""
        await delete_task(user_id, task_id)


async def _status_events(tasks: AsyncIterator[Task]) -> AsyncIterator[ServerSentEventMessage]:
    async for task in tasks:
        yield ServerSentEventMessage(data=msgspec.json.encode(TaskOut.of(task)).decode(), event="status")


