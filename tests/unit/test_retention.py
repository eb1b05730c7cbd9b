"""Retention on the fakes: past the period a finished task's images go, its row stays and says so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from application.use_cases.retention import PurgeExpiredImages
from domain.tasks import Status
from tests.unit.conftest import Bootstrap

DAYS = timedelta(days=30)


async def test_images_of_finished_tasks_past_the_period_are_deleted_and_the_rows_say_so(
    make_app: Callable[..., Bootstrap],
) -> None:
    app = make_app()
    user = await app.user()
    old_done, old_queued = await app.submit(user), await app.submit(user)
    await app.process_task(old_done.id)
    app.clock.advance(DAYS.total_seconds() + 1)
    recent = await app.submit(user)
    await app.process_task(recent.id)
    purge = PurgeExpiredImages(app.uow, app.storage, app.clock, DAYS)

    assert await purge() == 1
    assert await purge() == 0  # once

    done = app.stored(old_done.id)
    assert done is not None and done.images_deleted_at == app.clock.now() and done.status == Status.COMPLETED
    assert not [key for key in app.blob_keys() if str(old_done.id) in key]
    assert [key for key in app.blob_keys() if str(old_queued.id) in key]  # not finished: kept
    assert [key for key in app.blob_keys() if str(recent.id) in key]  # too young: kept
    assert app.stored(recent.id).images_deleted_at is None  # type: ignore[union-attr]


async def test_retention_off_deletes_nothing(make_app: Callable[..., Bootstrap]) -> None:
    app = make_app()
    user = await app.user()
    task = await app.submit(user)
    await app.process_task(task.id)
    app.clock.advance(10 * 365 * 24 * 3600)

    assert await PurgeExpiredImages(app.uow, app.storage, app.clock, None)() == 0
    assert [key for key in app.blob_keys() if str(task.id) in key]
