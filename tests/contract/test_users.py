"""UserRepository: users by id and by email, the email unique even under a race."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from domain.errors import EmailTaken
from tests.contract.builders import UowFactory, a_user, given


async def test_a_user_is_found_by_id_and_by_email(uow_factory: UowFactory) -> None:
    user = a_user(credits=3)
    await given(uow_factory, user)

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) == user
        assert await uow.users.get_by_email(user.email) == user


async def test_an_unknown_user_is_none(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        assert await uow.users.get(uuid.uuid4()) is None
        assert await uow.users.get_by_email("nobody@example.com") is None


async def test_email_is_unique(uow_factory: UowFactory) -> None:
    first = a_user(email="ada@example.com")
    await given(uow_factory, first)

    async with uow_factory() as uow:
        with pytest.raises(EmailTaken):
            await uow.users.add(a_user(email="ada@example.com"))

    async with uow_factory() as uow:
        assert await uow.users.get_by_email("ada@example.com") == first


async def test_two_concurrent_sign_ups_with_one_email_register_once(uow_factory: UowFactory) -> None:
    async def sign_up() -> bool:
        try:
            await given(uow_factory, a_user(email="ada@example.com"))
        except EmailTaken:
            return False
        return True

    assert sorted(await asyncio.gather(sign_up(), sign_up())) == [False, True]
