"""A deleted task's Idempotency-Key is kept, replaced by a later record of the same key, on every store."""

from __future__ import annotations

import uuid

from domain.tasks import KeptKey
from tests.contract.builders import UowFactory, a_user, at, given


async def test_a_kept_key_is_found_by_owner_and_key_and_replaced_by_a_newer_record(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    first = KeptKey(user.id, "retry-1", "f" * 64, uuid.uuid4(), at(0))
    later = KeptKey(user.id, "retry-1", "e" * 64, uuid.uuid4(), at(90_000))

    async with uow_factory() as uow:
        await uow.tasks.keep_idempotency_key(first)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tasks.kept_idempotency_key(user.id, "retry-1") == first
        assert await uow.tasks.kept_idempotency_key(user.id, "retry-2") is None
        assert await uow.tasks.kept_idempotency_key(uuid.uuid4(), "retry-1") is None
        await uow.tasks.keep_idempotency_key(later)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.tasks.kept_idempotency_key(user.id, "retry-1") == later


async def test_a_kept_key_rolls_back_with_its_unit_of_work(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)
    async with uow_factory() as uow:
        await uow.tasks.keep_idempotency_key(KeptKey(user.id, "k", "f" * 64, uuid.uuid4(), at(0)))
    async with uow_factory() as uow:
        assert await uow.tasks.kept_idempotency_key(user.id, "k") is None
