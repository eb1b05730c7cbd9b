"""Task history, the task page, its images and delete, and the live status stream of the dashboard."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Redirect, ServerSentEvent, ServerSentEventMessage, Stream, Template

from application.use_cases.read_tasks import GetTask, ListTasks, TaskEvents
from application.use_cases.share_links.list_share_links import ListShareLinks
from application.use_cases.task_files.delete_task import DeleteTask
from application.use_cases.task_files.get_preview import GetPreview
from application.use_cases.task_files.get_result import GetResult
from application.use_cases.task_files.get_source import GetSource
from domain.errors import TaskNotFound
from domain.share_links import MAX_LIVE_PER_TASK
from domain.tasks import Status, Task
from domain.users import User
from entrypoints.http.controllers.credits import Cursor
from entrypoints.http.controllers.tasks import image_response
from entrypoints.http.dashboard.charts import tasks_per_day_chart
from entrypoints.http.dashboard.controllers.task_shares import DEFAULT_LIFETIME, LIFETIMES
from entrypoints.http.dashboard.views import page, see_other, time_left
from entrypoints.http.links import absolute_url
from entrypoints.http.schemas.share_links import ShareLinkOut
from entrypoints.http.schemas.tasks import TaskOut
from entrypoints.settings import Settings

log = logging.getLogger(__name__)

PAGE_SIZE = 20
CHART_TASKS = 100  # tasks per day are counted over the latest tasks, at most this many
LIVE = ("queued", "processing")
TaskIds = Annotated[list[UUID], Parameter(max_items=100, description="Tasks to follow")]


class TaskPagesController(Controller):
    path = "/tasks"

    @get("/", summary="Task history")
    async def history(
        self,
        request: Request[Any, Any, Any],
        viewer: User,
        list_tasks: ListTasks,
        clock: Any,  # the container's Clock (a port Protocol, which Litestar cannot check)
        status: Status | None = None,
        cursor: Cursor = None,
    ) -> Template:
        """A page of tasks, newest first, optionally of one status; live tags for those still running."""
        result = await list_tasks(viewer.id, status, PAGE_SIZE, cursor)
        tasks = [TaskOut.of(task) for task in result.items]
        live_ids = [task.id for task in tasks if task.status in LIVE]
        chart = None
        if cursor is None and status is None:
            latest = (await list_tasks(viewer.id, None, CHART_TASKS, None)).items
            today = clock.now().date()
            chart = tasks_per_day_chart([task.created_at for task in latest], today)
        return page(request, "tasks.html.j2", viewer, tasks=tasks, live_ids=live_ids, status=status,
                    cursor=cursor, next_cursor=result.next_cursor, chart=chart)

    @get("/{task_id:uuid}", summary="Task page")
    async def task(
        self,
        request: Request[Any, Any, Any],
        task_id: UUID,
        viewer: User,
        get_task: GetTask,
        list_share_links: ListShareLinks,
        settings: Settings,
        clock: Any,  # the container's Clock (a port Protocol, which Litestar cannot check)
    ) -> Template:
        """Source and result side by side, image info, metadata, operations, error; the live share links."""
        task = await get_task(viewer.id, task_id)
        links = await list_share_links(viewer.id, task_id) if task.status == Status.COMPLETED else []
        origin = absolute_url(request, settings.public_url, "")
        now = clock.now()
        shares = [(ShareLinkOut.of(link, origin), time_left(link.expires_at, now)) for link in links]
        return page(
            request, "task.html.j2", viewer, task=TaskOut.of(task), shares=shares, max_shares=MAX_LIVE_PER_TASK,
            lifetimes=LIFETIMES, default_lifetime=DEFAULT_LIFETIME,
        )

    @get("/{task_id:uuid}/source", summary="The uploaded image")
    async def source(self, task_id: UUID, user_id: UUID, get_source: GetSource) -> Stream:
        """The uploaded bytes, for the page's <img>."""
        return image_response(await get_source(user_id, task_id))

    @get("/{task_id:uuid}/result", summary="The processed image")
    async def result(self, task_id: UUID, user_id: UUID, get_result: GetResult, download: bool = False) -> Stream:
        """The result bytes; `?download=1` makes the browser save them."""
        file = await get_result(user_id, task_id)
        extension = {"jpeg": "jpg"}.get(file.info.format.lower(), file.info.format.lower())
        return image_response(file, f"pixelmill-{str(task_id)[:8]}.{extension}" if download else None)

    @get("/{task_id:uuid}/preview", summary="A small preview of the result")
    async def preview(self, task_id: UUID, user_id: UUID, get_preview: GetPreview) -> Stream:
        """A WebP whose longest side is 320 px: what lists show instead of the full result."""
        return image_response(await get_preview(user_id, task_id))

    @post("/{task_id:uuid}/delete", summary="Delete a task")
    async def delete(self, task_id: UUID, user_id: UUID, delete_task: DeleteTask) -> Redirect:
        """Task, source and result are gone; no refund."""
        await delete_task(user_id, task_id)
        return see_other("/tasks?notice=deleted")


class TaskEventsController(Controller):

    @get("/events", summary="Live status of tasks (server-sent events)")
    async def events(self, user_id: UUID, task_events: TaskEvents, task: TaskIds) -> ServerSentEvent:
        """`event: status` with the task's JSON now and at every change; `event: end` once none is running."""
        streams = []
        for task_id in dict.fromkeys(task):
            try:
                streams.append(await task_events(user_id, task_id))
            except TaskNotFound:
                continue  # deleted meanwhile, or not this user's: nothing to follow
        return ServerSentEvent(_messages(streams))


async def _messages(streams: list[AsyncIterator[Task]]) -> AsyncIterator[ServerSentEventMessage]:
    async for task in _merge(streams):
        yield ServerSentEventMessage(data=msgspec.json.encode(TaskOut.of(task)).decode(), event="status")
    yield ServerSentEventMessage(data="{}", event="end")  # else EventSource reconnects to a stream that has ended


async def _merge(streams: list[AsyncIterator[Task]]) -> AsyncIterator[Task]:
    """Items of all streams as they come; one browser connection follows a whole page of tasks."""
    queue: asyncio.Queue[Task | None] = asyncio.Queue()

    async def pump(stream: AsyncIterator[Task]) -> None:
        try:
            async for item in stream:
                await queue.put(item)
        except Exception:  # one task's stream failing must not end the others'
            log.exception("a task's status stream failed")
        finally:
            queue.put_nowait(None)

    pumps = [asyncio.create_task(pump(stream)) for stream in streams]
    try:
        running = len(pumps)
        while running:
            item = await queue.get()
            if item is None:
                running -= 1
            else:
                yield item
    finally:
        for pump_task in pumps:
            pump_task.cancel()
