"""Share links on the fakes: stored with a short random id, bounded in number and lifetime, revocable at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.use_cases.retention import PurgeExpiredImages
from application.use_cases.share_links.share_result import ShareRequest
from domain.errors import SharedLinkInvalid, ShareLinkNotFound, TaskNotFound, TooManyShareLinks, ValidationFailed
from domain.share_links import MAX_LIFETIME, MAX_LIVE_PER_TASK, MIN_LIFETIME, looks_like_share_id
from domain.tasks import Task, result_key
from domain.users import User
from tests.unit.conftest import SHARE_TTL, Bootstrap, read_all


async def completed(app: Bootstrap) -> tuple[User, Task]:
    user = await app.user()
    task = await app.submit(user)
    await app.drain()
    return user, task


async def test_a_link_has_a_short_random_id_and_serves_the_result_until_it_expires(app: Bootstrap) -> None:
    user, task = await completed(app)

    link = await app.share_result(ShareRequest(user.id, task.id))

    assert looks_like_share_id(link.id) and len(link.id) == 12
    assert link.expires_at == app.clock.now() + SHARE_TTL and not link.show_original
    shared = await app.open_shared_result(link.id)
    assert await read_all(shared.chunks) == app.storage.blobs[result_key(task.id)]
    app.clock.advance(SHARE_TTL.total_seconds() - 1)
    assert await app.open_shared_result(link.id)
    app.clock.advance(1)
    with pytest.raises(SharedLinkInvalid):
        await app.open_shared_result(link.id)
    assert await app.list_share_links(user.id, task.id) == []


async def test_two_links_of_one_task_have_different_ids(app: Bootstrap) -> None:
    user, task = await completed(app)
    first = await app.share_result(ShareRequest(user.id, task.id))
    app.clock.advance(1)
    second = await app.share_result(ShareRequest(user.id, task.id))
    assert first.id != second.id
    assert [link.id for link in await app.list_share_links(user.id, task.id)] == [second.id, first.id]


async def test_the_owner_chooses_the_lifetime_within_bounds(app: Bootstrap) -> None:
    user, task = await completed(app)
    link = await app.share_result(ShareRequest(user.id, task.id, expires_in_seconds=3600))
    assert link.expires_at == app.clock.now() + timedelta(hours=1)
    for seconds in (0, int(MIN_LIFETIME.total_seconds()) - 1, int(MAX_LIFETIME.total_seconds()) + 1, -5):
        with pytest.raises(ValidationFailed) as caught:
            await app.share_result(ShareRequest(user.id, task.id, expires_in_seconds=seconds))
        assert caught.value.errors[0].field == "expires_in_seconds"
    assert len(await app.list_share_links(user.id, task.id)) == 1  # nothing stored for the refused ones


async def test_a_revoked_link_stops_at_once_and_only_its_owner_revokes_it(app: Bootstrap) -> None:
    user, task = await completed(app)
    mallory = await app.user()
    link = await app.share_result(ShareRequest(user.id, task.id))

    with pytest.raises(ShareLinkNotFound):
        await app.revoke_share_link(mallory.id, task.id, link.id)
    assert await app.open_shared_result(link.id)
    await app.revoke_share_link(user.id, task.id, link.id)

    with pytest.raises(SharedLinkInvalid):
        await app.open_shared_result(link.id)
    with pytest.raises(SharedLinkInvalid):
        await app.read_shared(link.id)
    assert await app.list_share_links(user.id, task.id) == []
    with pytest.raises(ShareLinkNotFound):
        await app.revoke_share_link(user.id, task.id, link.id)


async def test_a_task_has_at_most_so_many_live_links_and_revoking_one_frees_a_place(app: Bootstrap) -> None:
    user, task = await completed(app)
    links = [await app.share_result(ShareRequest(user.id, task.id)) for _ in range(MAX_LIVE_PER_TASK)]
    with pytest.raises(TooManyShareLinks):
        await app.share_result(ShareRequest(user.id, task.id))
    await app.revoke_share_link(user.id, task.id, links[0].id)
    assert await app.share_result(ShareRequest(user.id, task.id))


async def test_expired_links_do_not_count_against_the_limit(app: Bootstrap) -> None:
    user, task = await completed(app)
    for _ in range(MAX_LIVE_PER_TASK):
        await app.share_result(ShareRequest(user.id, task.id, expires_in_seconds=60))
    app.clock.advance(60)
    assert await app.share_result(ShareRequest(user.id, task.id))


async def test_the_original_is_shown_only_when_the_owner_allows_it(app: Bootstrap) -> None:
    user, task = await completed(app)
    closed = await app.share_result(ShareRequest(user.id, task.id))
    open_ = await app.share_result(ShareRequest(user.id, task.id, show_original=True))

    with pytest.raises(SharedLinkInvalid):
        await app.open_shared_original(closed.id)
    original = await app.open_shared_original(open_.id)
    assert await read_all(original.chunks) == app.storage.blobs[task.source_key]


async def test_another_users_task_cannot_be_shared_listed_or_revoked(app: Bootstrap) -> None:
    user, task = await completed(app)
    mallory = await app.user()
    with pytest.raises(TaskNotFound):
        await app.share_result(ShareRequest(mallory.id, task.id))
    with pytest.raises(TaskNotFound):
        await app.list_share_links(mallory.id, task.id)


async def test_a_link_of_a_deleted_task_is_invalid(app: Bootstrap) -> None:
    user, task = await completed(app)
    link = await app.share_result(ShareRequest(user.id, task.id))

    await app.delete_task(user.id, task.id)

    with pytest.raises(SharedLinkInvalid):
        await app.open_shared_result(link.id)
    assert app.database.state.share_links == {}  # gone with their task, as ON DELETE CASCADE does


@pytest.mark.parametrize("link_id", ["", "x" * 5000, "abc\x00defghijk", "../../../etc", "a" * 11, "a" * 13, "eyJhbGciOi.x.y"])
async def test_anything_that_is_not_a_share_id_is_invalid(app: Bootstrap, link_id: str) -> None:
    with pytest.raises(SharedLinkInvalid):
        await app.open_shared_result(link_id)


async def test_a_link_that_outlives_its_tasks_images_is_invalid(app: Bootstrap) -> None:
    user, task = await completed(app)
    link = await app.share_result(ShareRequest(user.id, task.id, expires_in_seconds=int(MAX_LIFETIME.total_seconds())))
    app.clock.advance(timedelta(days=2).total_seconds())
    assert await PurgeExpiredImages(app.uow, app.storage, app.clock, timedelta(days=1))() == 1

    for read in (app.read_shared, app.open_shared_result):
        with pytest.raises(SharedLinkInvalid):
            await read(link.id)
