"""Sweep: tasks left queued too long and tasks whose worker died are sent again; nothing else is."""

from __future__ import annotations

from domain.tasks import Status
from tests.unit.conftest import LEASE, QUEUED_AFTER, SIGNUP_CREDITS, Bootstrap, noisy_jpeg


async def test_a_freshly_queued_task_is_left_alone(app: Bootstrap) -> None:
    await app.submit(await app.user())
    app.queue.drain()
    app.clock.advance(QUEUED_AFTER.total_seconds() - 1)

    assert await app.sweep() == 0
    assert app.queue.enqueued == []


async def test_a_task_queued_too_long_is_enqueued_again(app: Bootstrap) -> None:
    task = await app.submit(await app.user())
    app.queue.drain()  # the message was lost
    app.clock.advance(QUEUED_AFTER.total_seconds() + 1)

    assert await app.sweep() == 1
    assert app.queue.enqueued == [task.id]


async def test_a_swept_task_waits_another_threshold_before_it_is_sent_again(app: Bootstrap) -> None:
    task = await app.submit(await app.user())
    app.queue.drain()
    app.clock.advance(QUEUED_AFTER.total_seconds() + 1)
    await app.sweep()

    app.clock.advance(QUEUED_AFTER.total_seconds() - 1)
    assert await app.sweep() == 0
    app.clock.advance(2)
    assert await app.sweep() == 1
    assert app.queue.enqueued == [task.id, task.id]


async def test_a_task_whose_lease_ran_out_is_enqueued_again_and_completes(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    app.queue.drain()
    now = app.clock.now()
    async with app.uow() as uow:
        await uow.tasks.claim(task.id, now, now + LEASE)  # the worker dies holding it
        await uow.commit()

    assert await app.sweep() == 0  # the lease still runs
    app.clock.advance(LEASE.total_seconds() + 1)
    assert await app.sweep() == 1

    await app.drain()
    assert (app.stored(task.id).status, app.stored(task.id).attempts) == (Status.COMPLETED, 2)
    assert app.balance(user) == SIGNUP_CREDITS - 1
    app.assert_books_balance(user)


async def test_finished_tasks_are_never_swept(app: Bootstrap) -> None:
    user = await app.user()
    broken = noisy_jpeg()
    completed = await app.submit(user)
    failed = await app.submit(user, image=broken[: len(broken) // 2])
    await app.drain()
    assert (app.stored(completed.id).status, app.stored(failed.id).status) == (Status.COMPLETED, Status.FAILED)
    app.clock.advance(QUEUED_AFTER.total_seconds() * 100)

    assert await app.sweep() == 0
    assert app.queue.enqueued == []


async def test_a_broker_outage_stops_the_sweep_and_a_later_sweep_sends_the_tasks(app: Bootstrap) -> None:
    user = await app.user()
    first, second = await app.submit(user), await app.submit(user, title="second")
    app.queue.drain()
    app.clock.advance(QUEUED_AFTER.total_seconds() + 1)
    app.queue.down = True

    assert await app.sweep() == 0

    app.queue.down = False
    app.clock.advance(QUEUED_AFTER.total_seconds() + 1)
    assert await app.sweep() == 2
    assert sorted(app.queue.enqueued) == sorted([first.id, second.id])


async def test_the_oldest_stale_tasks_go_first_within_a_batch(app: Bootstrap) -> None:
    user = await app.user()
    tasks = []
    for n in range(3):
        tasks.append(await app.submit(user, title=f"photo {n}"))
        app.clock.advance(1)
    app.queue.drain()
    app.sweep.batch = 2
    app.clock.advance(QUEUED_AFTER.total_seconds() + 1)

    assert await app.sweep() == 2
    assert app.queue.enqueued == [tasks[0].id, tasks[1].id]
    assert await app.sweep() == 1
    assert app.queue.enqueued[-1] == tasks[2].id
