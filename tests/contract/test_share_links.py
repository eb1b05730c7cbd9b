"""ShareLinkRepository: found by id, listed live per task and owner, revoked once, limited under a race, gone with
their task."""

from __future__ import annotations

import asyncio
import dataclasses

from domain.share_links import ShareLink, new_share_id
from domain.tasks import Task
from domain.users import User
from tests.contract.builders import UowFactory, a_task, a_user, at, given


def a_link(task: Task, created: float = 0, lifetime: float = 3600, show_original: bool = False) -> ShareLink:
    return ShareLink(new_share_id(), task.id, task.owner_id, at(created), at(created + lifetime), show_original)


async def add(uow_factory: UowFactory, link: ShareLink, limit: int = 10, now: float = 0) -> bool:
    async with uow_factory() as uow:
        added = await uow.share_links.add_within_limit(link, limit, at(now))
        await uow.commit()
    return added


async def a_task_of_someone(uow_factory: UowFactory) -> tuple[User, Task]:
    owner = a_user()
    task = a_task(owner.id)
    await given(uow_factory, owner, task)
    return owner, task


async def test_a_link_is_found_by_id_with_every_field(uow_factory: UowFactory) -> None:
    _, task = await a_task_of_someone(uow_factory)
    link = a_link(task, show_original=True)
    assert await add(uow_factory, link)

    async with uow_factory() as uow:
        assert await uow.share_links.get(link.id) == link
        assert await uow.share_links.get(new_share_id()) is None


async def test_live_links_are_listed_newest_first_for_their_owner_only(uow_factory: UowFactory) -> None:
    owner, task = await a_task_of_someone(uow_factory)
    _, other_task = await a_task_of_someone(uow_factory)
    old, new, short = a_link(task, created=0), a_link(task, created=10), a_link(task, created=5, lifetime=20)
    for link in (old, new, short, a_link(other_task)):
        assert await add(uow_factory, link)

    async with uow_factory() as uow:
        assert [link.id for link in await uow.share_links.live(task.id, owner.id, at(20))] == [new.id, short.id, old.id]
        assert [link.id for link in await uow.share_links.live(task.id, owner.id, at(25))] == [new.id, old.id]
        assert await uow.share_links.live(task.id, other_task.owner_id, at(20)) == []


async def test_a_link_is_revoked_once_by_its_owner_while_live(uow_factory: UowFactory) -> None:
    owner, task = await a_task_of_someone(uow_factory)
    stranger = a_user()
    await given(uow_factory, stranger)
    link, expired = a_link(task), a_link(task, lifetime=5)
    assert await add(uow_factory, link) and await add(uow_factory, expired)

    async with uow_factory() as uow:
        assert not await uow.share_links.revoke(link.id, task.id, stranger.id, at(1))
        assert not await uow.share_links.revoke(expired.id, task.id, owner.id, at(10))
        assert await uow.share_links.revoke(link.id, task.id, owner.id, at(10))
        assert not await uow.share_links.revoke(link.id, task.id, owner.id, at(11))
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.share_links.get(link.id) == dataclasses.replace(link, revoked_at=at(10))
        assert await uow.share_links.live(task.id, owner.id, at(10)) == []


async def test_the_limit_counts_live_links_only(uow_factory: UowFactory) -> None:
    owner, task = await a_task_of_someone(uow_factory)
    first, second = a_link(task, lifetime=5), a_link(task)
    assert await add(uow_factory, first, limit=2) and await add(uow_factory, second, limit=2)
    assert not await add(uow_factory, a_link(task), limit=2, now=1)
    assert await add(uow_factory, a_link(task, created=5), limit=2, now=5)  # the first expired at 5


async def test_concurrent_links_of_one_task_never_pass_the_limit(uow_factory: UowFactory) -> None:
    owner, task = await a_task_of_someone(uow_factory)
    results = await asyncio.gather(*(add(uow_factory, a_link(task), limit=3) for _ in range(8)))
    assert sum(results) == 3
    async with uow_factory() as uow:
        assert len(await uow.share_links.live(task.id, owner.id, at(0))) == 3


async def test_links_go_with_their_task(uow_factory: UowFactory) -> None:
    owner, task = await a_task_of_someone(uow_factory)
    link = a_link(task)
    assert await add(uow_factory, link)

    async with uow_factory() as uow:
        await uow.tasks.delete(task.id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.share_links.get(link.id) is None
