"""A task's files: the source, the result, and deletion (without refund); share links are in test_share_links.py."""

from __future__ import annotations

import pytest

from application.use_cases.share_links.share_result import ShareRequest
from domain.credits import Reason
from domain.errors import ResultNotReady, TaskNotFound
from domain.tasks import preview_key, result_key
from tests.unit.conftest import SIGNUP_CREDITS, Bootstrap, noisy_jpeg, png, read_all


async def test_the_source_comes_back_byte_for_byte_with_its_content_type(app: Bootstrap) -> None:
    app.storage.chunk_size = 100  # several chunks
    user = await app.user()
    image = png(60, 40)
    task = await app.submit(user, image=image)

    source = await app.get_source(user.id, task.id)

    assert source.info.content_type == "image/png"
    assert await read_all(source.chunks) == image


async def test_another_users_source_and_result_are_not_found(app: Bootstrap) -> None:
    alice, mallory = await app.user(), await app.user()
    task = await app.submit(alice)
    await app.drain()
    with pytest.raises(TaskNotFound):
        await app.get_source(mallory.id, task.id)
    with pytest.raises(TaskNotFound):
        await app.get_result(mallory.id, task.id)
    with pytest.raises(TaskNotFound):
        await app.share_result(ShareRequest(mallory.id, task.id))


async def test_the_result_is_served_once_the_task_is_completed(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    await app.drain()

    result = await app.get_result(user.id, task.id)

    assert result.info == app.stored(task.id).result
    assert result.info.content_type == "image/jpeg"
    assert await read_all(result.chunks) == app.storage.blobs[result_key(task.id)]


async def test_there_is_no_result_before_completion(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    with pytest.raises(ResultNotReady):
        await app.get_result(user.id, task.id)
    with pytest.raises(ResultNotReady):
        await app.share_result(ShareRequest(user.id, task.id))


async def test_a_failed_task_has_no_result(app: Bootstrap) -> None:
    user = await app.user()
    broken = noisy_jpeg()
    task = await app.submit(user, image=broken[: len(broken) // 2])
    await app.drain()
    with pytest.raises(ResultNotReady):
        await app.get_result(user.id, task.id)
    with pytest.raises(ResultNotReady):
        await app.share_result(ShareRequest(user.id, task.id))


async def test_deleting_a_task_removes_its_row_and_files_without_a_refund(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    await app.drain()
    assert app.blob_keys() == {task.source_key, result_key(task.id), preview_key(task.id)}

    await app.delete_task(user.id, task.id)

    assert app.stored(task.id) is None
    assert app.blob_keys() == set()
    with pytest.raises(TaskNotFound):
        await app.get_task(user.id, task.id)
    assert app.balance(user) == SIGNUP_CREDITS - 1
    assert Reason.TASK_REFUND not in [e.reason for e in app.ledger(user)]
    app.assert_books_balance(user)


async def test_deleting_a_queued_task_does_not_refund_it_either(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)

    await app.delete_task(user.id, task.id)
    assert await app.drain() == [None]  # its message still arrives, and finds nothing

    assert app.blob_keys() == set()
    assert app.balance(user) == SIGNUP_CREDITS - 1
    app.assert_books_balance(user)


async def test_another_users_task_cannot_be_deleted(app: Bootstrap) -> None:
    alice, mallory = await app.user(), await app.user()
    task = await app.submit(alice)
    with pytest.raises(TaskNotFound):
        await app.delete_task(mallory.id, task.id)
    assert app.stored(task.id) is not None
    assert task.source_key in app.blob_keys()


async def test_deleting_twice_is_not_found_the_second_time(app: Bootstrap) -> None:
    user = await app.user()
    task = await app.submit(user)
    await app.delete_task(user.id, task.id)
    with pytest.raises(TaskNotFound):
        await app.delete_task(user.id, task.id)
