"""GetTask, ListTasks and TaskEvents: a user sees their own tasks, newest first, and follows one to its end."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from uuid import UUID

import pytest

from application.use_cases.read_tasks import TaskEvents
from domain.errors import TaskNotFound, ValidationFailed
from domain.tasks import Status, Task
from tests.unit.conftest import Bootstrap, Gate, GatedBlobStorage, noisy_jpeg


async def next_event(events: AsyncIterator[Task]) -> Task:
    async with asyncio.timeout(5):  # a stream that misses its change or its end must fail, not hang
        return await anext(events)


async def test_a_user_reads_their_own_task(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user, title="mine")
    assert (await app.get_task(user.id, task.id)).title == "mine"


async def test_another_users_task_is_not_found(app: Bootstrap) -> None:
    alice, mallory = await app.user(), await app.user()
    task = await app.submit(alice)
    with pytest.raises(TaskNotFound):
        await app.get_task(mallory.id, task.id)
    with pytest.raises(TaskNotFound):
        await app.get_task(alice.id, UUID(int=424242))


async def test_tasks_are_listed_newest_first_a_page_at_a_time(app: Bootstrap) -> None:
    user = await app.user()
    submitted = []
    for n in range(5):
        submitted.append((await app.submit(user, title=f"photo {n}")).id)
        app.clock.advance(1)

    seen, cursor, pages = [], None, 0
    while True:
        page = await app.list_tasks(user.id, None, 2, cursor)
        seen += [task.id for task in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == submitted[::-1]
    assert pages == 3


async def test_tasks_created_in_the_same_instant_page_without_gaps_or_repeats(app: Bootstrap) -> None:
    user = await app.user()
    submitted = {(await app.submit(user, title=f"photo {n}")).id for n in range(5)}

    first = await app.list_tasks(user.id, None, 3, None)
    second = await app.list_tasks(user.id, None, 3, first.next_cursor)

    ids = [t.id for t in first.items + second.items]
    assert set(ids) == submitted
    assert len(ids) == 5
    assert second.next_cursor is None


async def test_a_list_holds_only_the_users_own_tasks(app: Bootstrap) -> None:
    alice, bob = await app.user(), await app.user()
    mine = await app.submit(alice)
    await app.submit(bob)
    page = await app.list_tasks(alice.id, None, 20, None)
    assert [t.id for t in page.items] == [mine.id]
    assert page.next_cursor is None


async def test_the_list_filters_by_status(app: Bootstrap) -> None:
    user = await app.user()
    done = await app.submit(user, title="done")
    await app.drain()
    waiting = await app.submit(user, title="waiting")

    completed = await app.list_tasks(user.id, Status.COMPLETED, 20, None)
    queued = await app.list_tasks(user.id, Status.QUEUED, 20, None)
    failed = await app.list_tasks(user.id, Status.FAILED, 20, None)

    assert [t.id for t in completed.items] == [done.id]
    assert [t.id for t in queued.items] == [waiting.id]
    assert failed.items == []


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        base64.urlsafe_b64encode(b"no separator").decode(),
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00|not-a-uuid").decode(),
        base64.urlsafe_b64encode(f"2026-01-01T00:00:00|{UUID(int=1)}".encode()).decode(),  # naive time
    ],
    ids=["garbage", "no-separator", "bad-uuid", "naive-time"],
)
async def test_a_cursor_this_service_did_not_write_is_refused(app: Bootstrap, cursor: str) -> None:
    user = await app.user()
    with pytest.raises(ValidationFailed) as exc:
        await app.list_tasks(user.id, None, 20, cursor)
    assert [e.field for e in exc.value.errors] == ["cursor"]


async def test_following_a_task_gives_its_state_now_then_each_change_and_ends_when_completed(make_app) -> None:
    writing = Gate("put", "results/")
    app = make_app(storage=GatedBlobStorage(writing))
    user = await app.user()
    task = await app.submit(user)
    events = await app.task_events(user.id, task.id)

    assert (await next_event(events)).status == Status.QUEUED
    worker = asyncio.create_task(app.process_task(task.id))
    await writing.reached.wait()  # the worker holds the task
    processing = await next_event(events)
    writing.open()
    await worker
    completed = await next_event(events)

    assert (processing.status, processing.attempts) == (Status.PROCESSING, 1)
    assert completed.status == Status.COMPLETED
    assert completed.result is not None
    with pytest.raises(StopAsyncIteration):
        await next_event(events)


async def test_following_a_task_ends_when_it_fails(app: Bootstrap) -> None:
    user = await app.user()
    broken = noisy_jpeg()
    task = await app.submit(user, image=broken[: len(broken) // 2])
    events = await app.task_events(user.id, task.id)
    assert (await next_event(events)).status == Status.QUEUED

    await app.drain()

    failed = await next_event(events)
    assert (failed.status, failed.error) == (Status.FAILED, "the image is damaged or truncated")
    with pytest.raises(StopAsyncIteration):
        await next_event(events)


async def test_following_a_finished_task_gives_its_state_once(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    await app.drain()
    events = await app.task_events(user.id, task.id)
    assert [t.status async for t in events] == [Status.COMPLETED]


async def test_following_a_task_ends_when_it_is_deleted(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    events = await app.task_events(user.id, task.id)
    await next_event(events)

    await app.delete_task(user.id, task.id)

    with pytest.raises(StopAsyncIteration):
        await next_event(events)


async def test_following_gives_up_after_its_time_limit(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    events = await TaskEvents(app.uow, poll_seconds=0, max_seconds=0)(user.id, task.id)
    assert [t.status async for t in events] == [Status.QUEUED]


async def test_following_another_users_task_is_refused_before_any_event(app: Bootstrap) -> None:
    alice, mallory = await app.user(), await app.user()
    task = await app.submit(alice)
    with pytest.raises(TaskNotFound):
        await app.task_events(mallory.id, task.id)


async def test_following_looks_again_soon_then_backs_off_to_the_poll_interval(
    app: Bootstrap, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most tasks finish within tens of milliseconds: the first looks come quickly, later ones every poll."""

    class Enough(Exception):
        pass

    gaps: list[float] = []

    async def sleep(seconds: float) -> None:
        gaps.append(seconds)
        if len(gaps) == 6:
            raise Enough

    user = await app.user()
    task = await app.submit(user)
    events = await TaskEvents(app.uow, poll_seconds=0.25, first_poll_seconds=0.02)(user.id, task.id)
    assert (await next_event(events)).status is Status.QUEUED
    monkeypatch.setattr(asyncio, "sleep", sleep)
    with pytest.raises(Enough):
        await anext(events)
    assert gaps == pytest.approx([0.02, 0.04, 0.08, 0.16, 0.25, 0.25])
