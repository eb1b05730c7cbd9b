"""TaskRepository leases: one worker per attempt, late finishes ignored, stale tasks found by the sweeper."""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

from domain.tasks import Status, Task
from domain.values import ImageInfo
from tests.contract.builders import UowFactory, a_task, a_user, at, given

RESULT = ImageInfo("PNG", 10, 10, "L", 99)


async def queued_task(new_uow: UowFactory, created: float = 0, **fields: object) -> Task:
    owner = a_user()
    task = a_task(owner.id, created=created, **fields)
    await given(new_uow, owner, task)
    return task


async def claim(new_uow: UowFactory, task_id: UUID, now: float, lease: float = 60) -> Task | None:
    async with new_uow() as uow:
        claimed = await uow.tasks.claim(task_id, at(now), at(now + lease))
        await uow.commit()
        return claimed


async def finish(new_uow: UowFactory, task: Task, attempt: int) -> bool:
    async with new_uow() as uow:
        stored = await uow.tasks.finish(task, attempt)
        await uow.commit()
        return stored


async def test_claim_is_exclusive_until_the_lease_expires(uow_factory: UowFactory) -> None:
    task = await queued_task(uow_factory)

    first = await claim(uow_factory, task.id, now=1, lease=60)
    during = await claim(uow_factory, task.id, now=30)
    after = await claim(uow_factory, task.id, now=62)

    assert first is not None and during is None and after is not None
    assert (first.status, first.attempts, first.lease_until, first.started_at) == (Status.PROCESSING, 1, at(61), at(1))
    assert (after.attempts, after.lease_until, after.started_at, after.updated_at) == (2, at(122), at(1), at(62))


async def test_two_concurrent_claims_only_one_wins(uow_factory: UowFactory) -> None:
    task = await queued_task(uow_factory)

    claims = await asyncio.gather(claim(uow_factory, task.id, now=1), claim(uow_factory, task.id, now=1))

    assert sum(claimed is not None for claimed in claims) == 1


async def test_an_unknown_or_finished_task_cannot_be_claimed(uow_factory: UowFactory) -> None:
    done = await queued_task(uow_factory, status=Status.COMPLETED, result=RESULT, result_key="results/x")

    assert await claim(uow_factory, done.id, now=1) is None
    assert await claim(uow_factory, uuid.uuid4(), now=1) is None


async def test_finish_stores_the_outcome_of_the_current_attempt(uow_factory: UowFactory) -> None:
    task = await queued_task(uow_factory)
    claimed = await claim(uow_factory, task.id, now=1)
    assert claimed is not None

    claimed.complete(RESULT, "results/x", at(5))
    assert await finish(uow_factory, claimed, attempt=1)
    assert not await finish(uow_factory, claimed, attempt=1)  # no longer processing

    async with uow_factory() as uow:
        assert await uow.tasks.get(task.id) == claimed


async def test_finish_is_ignored_after_another_attempt_claimed(uow_factory: UowFactory) -> None:
    task = await queued_task(uow_factory)
    slow = await claim(uow_factory, task.id, now=1, lease=60)
    fast = await claim(uow_factory, task.id, now=100, lease=60)
    assert slow is not None and fast is not None

    slow.fail("too slow", at(101))
    assert not await finish(uow_factory, slow, attempt=1)
    fast.complete(RESULT, "results/x", at(102))
    assert await finish(uow_factory, fast, attempt=2)

    async with uow_factory() as uow:
        stored = await uow.tasks.get(task.id)
    assert stored is not None and (stored.status, stored.error) == (Status.COMPLETED, None)


async def test_stale_finds_old_queued_tasks_and_expired_leases_oldest_first(uow_factory: UowFactory) -> None:
    old_queued = await queued_task(uow_factory, created=0, updated_at=None)
    recent_queued = await queued_task(uow_factory, created=90)
    touched_queued = await queued_task(uow_factory, created=1, updated_at=at(95))
    expired = await queued_task(uow_factory, created=2)
    leased = await queued_task(uow_factory, created=3)
    await queued_task(uow_factory, created=4, status=Status.FAILED, error="broken image")
    await claim(uow_factory, expired.id, now=10, lease=20)
    await claim(uow_factory, leased.id, now=10, lease=200)

    async with uow_factory() as uow:
        found = await uow.tasks.stale(queued_before=at(60), now=at(100), limit=10)
        first = await uow.tasks.stale(queued_before=at(60), now=at(100), limit=1)

    assert found == [old_queued.id, expired.id]
    assert first == [old_queued.id]
    assert recent_queued.id not in found and touched_queued.id not in found


async def test_touch_makes_the_sweeper_wait_again_for_queued_tasks_only(uow_factory: UowFactory) -> None:
    queued = await queued_task(uow_factory, created=0)
    expired = await queued_task(uow_factory, created=1)
    await claim(uow_factory, expired.id, now=10, lease=20)

    async with uow_factory() as uow:
        await uow.tasks.touch([queued.id, expired.id], at(100))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.tasks.stale(queued_before=at(60), now=at(100), limit=10) == [expired.id]
        assert await uow.tasks.stale(queued_before=at(160), now=at(100), limit=10) == [queued.id, expired.id]


async def renew(new_uow: UowFactory, task_id: UUID, attempt: int, until: float) -> bool:
    async with new_uow() as uow:
        renewed = await uow.tasks.renew(task_id, attempt, at(until))
        await uow.commit()
        return renewed


async def test_a_renewed_lease_keeps_the_task_from_other_claims(uow_factory: UowFactory) -> None:
    task = await queued_task(uow_factory)
    await claim(uow_factory, task.id, now=1, lease=60)

    assert await renew(uow_factory, task.id, attempt=1, until=150) is True

    assert await claim(uow_factory, task.id, now=100) is None
    async with uow_factory() as uow:
        assert (await uow.tasks.get(task.id)).lease_until == at(150)
    assert (await claim(uow_factory, task.id, now=151)).attempts == 2


async def test_only_the_attempt_holding_the_task_can_renew_it(uow_factory: UowFactory) -> None:
    task = await queued_task(uow_factory)
    await claim(uow_factory, task.id, now=1, lease=60)
    await claim(uow_factory, task.id, now=62, lease=60)  # the first attempt's lease ran out; a second took it
    done = await queued_task(uow_factory, status=Status.COMPLETED, result=RESULT, result_key="results/x")

    assert await renew(uow_factory, task.id, attempt=1, until=500) is False
    assert await renew(uow_factory, done.id, attempt=0, until=500) is False
    assert await renew(uow_factory, uuid.uuid4(), attempt=1, until=500) is False
    async with uow_factory() as uow:
        assert (await uow.tasks.get(task.id)).lease_until == at(122)
