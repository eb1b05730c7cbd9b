"""ApiKeyRepository: live keys by owner and by hash, revocation, a throttled last use, a limit kept under a race."""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

from domain.api_keys import ApiKey, Scope
from tests.contract.builders import UowFactory, a_user, at, given


def a_key(user_id: UUID, created: float = 0, scopes: tuple[Scope, ...] = tuple(Scope)) -> ApiKey:
    return ApiKey(
        id=uuid.uuid4(),
        user_id=user_id,
        name="ci",
        prefix="pxm_abcdefgh",
        key_hash=uuid.uuid4().hex * 2,
        scopes=scopes,
        created_at=at(created),
    )


async def add(uow_factory: UowFactory, key: ApiKey, limit: int = 20) -> bool:
    async with uow_factory() as uow:
        added = await uow.api_keys.add_within_limit(key, limit)
        await uow.commit()
    return added


async def test_a_key_is_found_by_hash_with_its_scopes(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    key = a_key(user.id, scopes=(Scope.TASKS_READ, Scope.BILLING_WRITE))
    assert await add(uow_factory, key)

    async with uow_factory() as uow:
        assert await uow.api_keys.by_hash(key.key_hash) == key
        assert await uow.api_keys.by_hash("0" * 64) is None


async def test_the_owner_lists_live_keys_newest_first_in_pages(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    await given(uow_factory, owner, other)
    keys = [a_key(owner.id, created=i) for i in range(3)]
    for key in [*keys, a_key(other.id)]:
        await add(uow_factory, key)

    async with uow_factory() as uow:
        first = await uow.api_keys.list(owner.id, 2, None)
        rest = await uow.api_keys.list(owner.id, 2, first.next_cursor)
    assert [k.id for k in first.items + rest.items] == [keys[2].id, keys[1].id, keys[0].id]
    assert rest.next_cursor is None


async def test_a_revoked_key_is_neither_found_nor_listed_and_only_its_owner_revokes_it(uow_factory: UowFactory) -> None:
    owner, other = a_user(), a_user()
    await given(uow_factory, owner, other)
    key = a_key(owner.id)
    await add(uow_factory, key)

    async with uow_factory() as uow:
        assert not await uow.api_keys.revoke(key.id, other.id, at(5))
        assert await uow.api_keys.revoke(key.id, owner.id, at(5))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.api_keys.by_hash(key.key_hash) is None
        assert (await uow.api_keys.list(owner.id, 20, None)).items == []
        assert not await uow.api_keys.revoke(key.id, owner.id, at(6))


async def test_touch_writes_last_use_only_when_older_than_the_bound(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    key = a_key(user.id)
    await add(uow_factory, key)

    for now, not_since in [(at(10), at(-50)), (at(30), at(-30)), (at(75), at(15))]:
        async with uow_factory() as uow:
            await uow.api_keys.touch(key.id, now, not_since)
            await uow.commit()
        if now == at(10):
            async with uow_factory() as uow:
                assert (await uow.api_keys.by_hash(key.key_hash)).last_used_at == at(10)  # type: ignore[union-attr]

    async with uow_factory() as uow:
        assert (await uow.api_keys.by_hash(key.key_hash)).last_used_at == at(75)  # type: ignore[union-attr]


async def test_the_live_key_limit_holds_under_concurrent_creations(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    await add(uow_factory, a_key(user.id), limit=3)

    results = await asyncio.gather(*(add(uow_factory, a_key(user.id), limit=3) for _ in range(6)))

    assert sorted(results) == [False] * 4 + [True] * 2
    async with uow_factory() as uow:
        assert len((await uow.api_keys.list(user.id, 100, None)).items) == 3
