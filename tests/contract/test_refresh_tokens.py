"""RefreshTokenRepository: a token rotates once, and a family is revoked as a whole."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from domain.errors import DuplicateRecord
from domain.sessions import RefreshToken
from tests.contract.builders import UowFactory, a_refresh_token, a_user, at, given


async def session_of(new_uow: UowFactory) -> RefreshToken:
    user = a_user()
    token = a_refresh_token(user.id)
    await given(new_uow, user, token)
    return token


async def rotate(new_uow: UowFactory, old: RefreshToken, new: RefreshToken) -> bool:
    async with new_uow() as uow:
        rotated = await uow.refresh_tokens.rotate(old.id, new, at(10))
        await uow.commit()
        return rotated


async def found(new_uow: UowFactory, token: RefreshToken) -> RefreshToken | None:
    async with new_uow() as uow:
        return await uow.refresh_tokens.get_by_hash(token.token_hash)


async def test_a_token_is_found_by_its_hash(uow_factory: UowFactory) -> None:
    token = await session_of(uow_factory)

    assert await found(uow_factory, token) == token
    assert await found(uow_factory, a_refresh_token(token.user_id)) is None


async def test_rotate_succeeds_only_once(uow_factory: UowFactory) -> None:
    old = await session_of(uow_factory)
    new = a_refresh_token(old.user_id, old.family_id, created=10)

    assert await rotate(uow_factory, old, new)
    assert not await rotate(uow_factory, old, a_refresh_token(old.user_id, old.family_id, created=20))

    stored_old = await found(uow_factory, old)
    assert stored_old is not None and stored_old.replaced_by == new.id
    assert await found(uow_factory, new) == new


async def test_two_concurrent_rotations_only_one_wins(uow_factory: UowFactory) -> None:
    old = await session_of(uow_factory)
    twins = [a_refresh_token(old.user_id, old.family_id, created=10) for _ in range(2)]

    outcomes = await asyncio.gather(*(rotate(uow_factory, old, new) for new in twins))

    assert sorted(outcomes) == [False, True]
    assert [await found(uow_factory, new) is not None for new in twins] == outcomes


async def test_revoke_family_revokes_its_tokens_only_and_stops_rotation(uow_factory: UowFactory) -> None:
    old = await session_of(uow_factory)
    new = a_refresh_token(old.user_id, old.family_id, created=10)
    assert await rotate(uow_factory, old, new)
    stranger = a_refresh_token(old.user_id)
    await given(uow_factory, stranger)

    async with uow_factory() as uow:
        await uow.refresh_tokens.revoke_family(old.family_id, at(20))
        await uow.commit()

    assert [(await found(uow_factory, token)).revoked_at for token in (old, new, stranger)] == [at(20), at(20), None]
    assert not await rotate(uow_factory, new, a_refresh_token(old.user_id, old.family_id, created=30))


async def test_a_second_token_with_the_same_hash_is_a_duplicate_and_undoes_its_unit_of_work(
    uow_factory: UowFactory,
) -> None:
    token = await session_of(uow_factory)
    other = a_refresh_token(token.user_id)
    clash = dataclasses.replace(a_refresh_token(token.user_id), token_hash=token.token_hash)

    with pytest.raises(DuplicateRecord):
        async with uow_factory() as uow:
            await uow.refresh_tokens.add(other)
            await uow.refresh_tokens.add(clash)
            await uow.commit()

    assert await found(uow_factory, other) is None
    assert (await found(uow_factory, token)) == token
