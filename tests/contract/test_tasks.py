"""TaskRepository storage: round trips, owners, idempotency keys, pages, counts and deletion."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import DuplicateRecord, ValidationFailed
from domain.tasks import Status
from domain.values import ImageInfo
from tests.contract.builders import UowFactory, a_task, a_user, at, given


async def test_a_task_round_trips_with_its_operations_metadata_and_times(uow_factory: UowFactory) -> None:
    owner = a_user()
    task = a_task(
        owner.id,
        status=Status.COMPLETED,
        result=ImageInfo("WEBP", 640, 480, "RGB", 2_048),
        result_key="results/x",
        attempts=2,
        started_at=at(1),
        finished_at=at(2),
        updated_at=at(2),
        idempotency_key="key-1",
        fingerprint="f" * 64,
    )
    await given(uow_factory, owner, task)

    async with uow_factory() as uow:
        assert await uow.tasks.get(task.id) == task


async def test_another_owner_does_not_see_the_task(uow_factory: UowFactory) -> None:
    owner, stranger = a_user(), a_user()
    task = a_task(owner.id)
    await given(uow_factory, owner, stranger, task)

    async with uow_factory() as uow:
        assert await uow.tasks.get(task.id, owner.id) == task
        assert await uow.tasks.get(task.id, stranger.id) is None
        assert await uow.tasks.get(uuid.uuid4()) is None


async def test_idempotency_key_is_unique_per_owner(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    first = a_task(owner.id, idempotency_key="same")
    await given(uow_factory, owner, other, first, a_task(other.id, idempotency_key="same"))

    async with uow_factory() as uow:
        with pytest.raises(DuplicateRecord):
            await uow.tasks.add(a_task(owner.id, idempotency_key="same"))

    async with uow_factory() as uow:
        assert await uow.tasks.by_idempotency_key(owner.id, "same") == first
        assert await uow.tasks.by_idempotency_key(owner.id, "other") is None


async def test_a_forgotten_idempotency_key_can_be_used_again(uow_factory: UowFactory) -> None:
    owner = a_user()
    old = a_task(owner.id, idempotency_key="same")
    await given(uow_factory, owner, old)
    async with uow_factory() as uow:
        await uow.tasks.forget_idempotency_key(old.id)
        await uow.commit()

    new = a_task(owner.id, idempotency_key="same")
    await given(uow_factory, new)

    async with uow_factory() as uow:
        assert await uow.tasks.by_idempotency_key(owner.id, "same") == new
        stored_old = await uow.tasks.get(old.id)
    assert stored_old is not None and stored_old.idempotency_key is None


async def test_list_pages_newest_first_with_cursor(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    mine = [a_task(owner.id, created=second) for second in range(5)]
    await given(uow_factory, owner, other, *mine, a_task(other.id, created=10))

    async with uow_factory() as uow:
        pages = [await uow.tasks.list(owner.id, None, 2, None)]
        while pages[-1].next_cursor is not None:
            pages.append(await uow.tasks.list(owner.id, None, 2, pages[-1].next_cursor))

    assert [[task.id for task in page.items] for page in pages] == [
        [mine[4].id, mine[3].id],
        [mine[2].id, mine[1].id],
        [mine[0].id],
    ]


async def test_list_orders_tasks_of_the_same_instant_by_id(uow_factory: UowFactory) -> None:
    owner = a_user()
    twins = [a_task(owner.id, created=0) for _ in range(3)]
    await given(uow_factory, owner, *twins)

    async with uow_factory() as uow:
        first = await uow.tasks.list(owner.id, None, 2, None)
        rest = await uow.tasks.list(owner.id, None, 2, first.next_cursor)

    expected = sorted((task.id for task in twins), reverse=True)
    assert [task.id for task in first.items + rest.items] == expected


async def test_list_filters_by_status(uow_factory: UowFactory) -> None:
    owner = a_user()
    queued = a_task(owner.id, created=0)
    failed = a_task(owner.id, created=1, status=Status.FAILED, error="broken image")
    await given(uow_factory, owner, queued, failed)

    async with uow_factory() as uow:
        assert (await uow.tasks.list(owner.id, Status.FAILED, 10, None)).items == [failed]
        assert (await uow.tasks.list(owner.id, Status.QUEUED, 10, None)).items == [queued]
        assert (await uow.tasks.list(owner.id, Status.COMPLETED, 10, None)).items == []


async def test_list_rejects_a_bad_cursor(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ValidationFailed):
            await uow.tasks.list(uuid.uuid4(), None, 10, "bm9wZQ")


async def test_delete_removes_the_task_and_may_be_repeated(uow_factory: UowFactory) -> None:
    owner = a_user()
    task = a_task(owner.id)
    await given(uow_factory, owner, task)

    async with uow_factory() as uow:
        await uow.tasks.delete(task.id)
        await uow.tasks.delete(task.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.tasks.get(task.id) is None


async def test_count_by_status_counts_every_status(uow_factory: UowFactory) -> None:
    owner = a_user()
    await given(
        uow_factory,
        owner,
        a_task(owner.id),
        a_task(owner.id),
        a_task(owner.id, status=Status.FAILED, error="broken image"),
    )

    async with uow_factory() as uow:
        counts = await uow.tasks.count_by_status()

    assert counts == {Status.QUEUED: 2, Status.PROCESSING: 0, Status.COMPLETED: 0, Status.FAILED: 1}
