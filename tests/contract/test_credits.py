"""CreditRepository: conditional debits, once-only refunds and purchases, a ledger that adds up."""

from __future__ import annotations

import asyncio
import uuid
from uuid import UUID

import pytest

from domain.credits import LedgerEntry, Reason, reconciles
from domain.errors import DuplicateRecord, InsufficientCredits, ValidationFailed
from tests.contract.builders import UowFactory, a_user, at, given


async def funded_user(new_uow: UowFactory, credits: int) -> UUID:
    """A user whose balance came from a signup bonus, so that the ledger reconciles."""
    user = a_user()
    await given(new_uow, user)
    async with new_uow() as uow:
        await uow.credits.grant(user.id, credits, Reason.SIGNUP_BONUS, uuid.uuid4(), at(0))
        await uow.commit()
    return user.id


async def whole_ledger(uow_factory: UowFactory, user_id: UUID) -> list[LedgerEntry]:
    async with uow_factory() as uow:
        return (await uow.credits.ledger(user_id, 100, None)).items


async def test_spend_debits_and_records_the_balance_after(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 5)
    task_id, entry_id = uuid.uuid4(), uuid.uuid4()

    async with uow_factory() as uow:
        entry = await uow.credits.spend(user_id, 2, Reason.TASK_CHARGE, entry_id, at(1), task_id=task_id)
        await uow.commit()

    assert entry == LedgerEntry(entry_id, user_id, -2, Reason.TASK_CHARGE, 3, at(1), task_id=task_id, seq=2)
    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 3
        assert (await uow.credits.ledger(user_id, 1, None)).items == [entry]


async def test_spend_refuses_to_go_below_zero_and_changes_nothing(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 1)
    before = await whole_ledger(uow_factory, user_id)

    async with uow_factory() as uow:
        with pytest.raises(InsufficientCredits):
            await uow.credits.spend(user_id, 2, Reason.TASK_CHARGE, uuid.uuid4(), at(1), task_id=uuid.uuid4())
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 1
    assert await whole_ledger(uow_factory, user_id) == before


async def test_an_unknown_user_has_no_credits_to_spend_or_take(uow_factory: UowFactory) -> None:
    nobody = uuid.uuid4()
    async with uow_factory() as uow:
        assert await uow.credits.balance(nobody) == 0
        with pytest.raises(InsufficientCredits):
            await uow.credits.spend(nobody, 1, Reason.TASK_CHARGE, uuid.uuid4(), at(1))
        with pytest.raises(InsufficientCredits):
            await uow.credits.grant(nobody, 1, Reason.ADMIN_GRANT, uuid.uuid4(), at(1))


async def test_twenty_concurrent_spends_of_one_credit_succeed_once(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 1)

    async def spend() -> bool:
        async with uow_factory() as uow:
            try:
                await uow.credits.spend(user_id, 1, Reason.TASK_CHARGE, uuid.uuid4(), at(1), task_id=uuid.uuid4())
            except InsufficientCredits:
                return False
            await uow.commit()
            return True

    outcomes = await asyncio.gather(*(spend() for _ in range(20)))

    assert outcomes.count(True) == 1
    async with uow_factory() as uow:
        balance = await uow.credits.balance(user_id)
    assert balance == 0
    assert reconciles(balance, await whole_ledger(uow_factory, user_id))


async def test_a_task_is_charged_once(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 5)
    task_id = uuid.uuid4()
    async with uow_factory() as uow:
        await uow.credits.spend(user_id, 1, Reason.TASK_CHARGE, uuid.uuid4(), at(1), task_id=task_id)
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(DuplicateRecord):
            await uow.credits.spend(user_id, 1, Reason.TASK_CHARGE, uuid.uuid4(), at(2), task_id=task_id)

    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 4


async def test_refund_twice_is_a_duplicate(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 0)
    task_id = uuid.uuid4()
    async with uow_factory() as uow:
        await uow.credits.grant(user_id, 1, Reason.TASK_REFUND, uuid.uuid4(), at(1), task_id=task_id)
        await uow.commit()

    async with uow_factory() as uow:
        with pytest.raises(DuplicateRecord):
            await uow.credits.grant(user_id, 1, Reason.TASK_REFUND, uuid.uuid4(), at(2), task_id=task_id)

    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 1


async def test_two_concurrent_purchases_of_one_order_grant_once(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 0)
    order_id = uuid.uuid4()

    async def purchase() -> bool:
        try:
            async with uow_factory() as uow:
                await uow.credits.grant(user_id, 50, Reason.PURCHASE, uuid.uuid4(), at(1), order_id=order_id)
                await uow.commit()
        except DuplicateRecord:
            return False
        return True

    assert sorted(await asyncio.gather(purchase(), purchase())) == [False, True]
    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 50


async def test_a_user_gets_one_signup_bonus_and_a_second_undoes_its_unit_of_work(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 10)

    async with uow_factory() as uow:
        await uow.credits.grant(user_id, 3, Reason.ADMIN_GRANT, uuid.uuid4(), at(1))
        with pytest.raises(DuplicateRecord):
            await uow.credits.grant(user_id, 10, Reason.SIGNUP_BONUS, uuid.uuid4(), at(1))
            await uow.commit()

    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 10
        assert [e.reason for e in (await uow.credits.ledger(user_id, 10, None)).items] == [Reason.SIGNUP_BONUS]


async def test_other_reasons_may_repeat(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 0)
    order_id = uuid.uuid4()

    async with uow_factory() as uow:
        for reason in (Reason.ADMIN_GRANT, Reason.ADMIN_GRANT, Reason.ADMIN_GRANT):
            await uow.credits.grant(user_id, 2, reason, uuid.uuid4(), at(1))
        await uow.credits.grant(user_id, 10, Reason.PURCHASE, uuid.uuid4(), at(1), order_id=order_id)
        await uow.credits.grant(user_id, -5, Reason.PURCHASE_REVERSAL, uuid.uuid4(), at(2), order_id=order_id)
        await uow.credits.grant(user_id, -5, Reason.PURCHASE_REVERSAL, uuid.uuid4(), at(2), order_id=order_id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 6


async def test_a_negative_grant_never_takes_the_balance_below_zero(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 3)

    async with uow_factory() as uow:
        with pytest.raises(InsufficientCredits):
            await uow.credits.grant(user_id, -4, Reason.PURCHASE_REVERSAL, uuid.uuid4(), at(1), order_id=uuid.uuid4())
        entry = await uow.credits.grant(user_id, -3, Reason.PURCHASE_REVERSAL, uuid.uuid4(), at(1))
        await uow.commit()

    assert entry.balance_after == 0
    async with uow_factory() as uow:
        assert await uow.credits.balance(user_id) == 0


async def test_has_entry_looks_for_a_reason_on_a_task_or_order(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 0)
    task_id, order_id = uuid.uuid4(), uuid.uuid4()
    async with uow_factory() as uow:
        await uow.credits.grant(user_id, 1, Reason.TASK_REFUND, uuid.uuid4(), at(1), task_id=task_id)
        await uow.credits.grant(user_id, 9, Reason.PURCHASE, uuid.uuid4(), at(1), order_id=order_id)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.credits.has_entry(Reason.TASK_REFUND, task_id=task_id)
        assert not await uow.credits.has_entry(Reason.TASK_CHARGE, task_id=task_id)
        assert not await uow.credits.has_entry(Reason.TASK_REFUND, task_id=uuid.uuid4())
        assert await uow.credits.has_entry(Reason.PURCHASE, order_id=order_id)
        assert not await uow.credits.has_entry(Reason.PURCHASE, order_id=uuid.uuid4())


async def test_ledger_pages_newest_first_and_adds_up_to_the_balance(uow_factory: UowFactory) -> None:
    user_id = await funded_user(uow_factory, 10)
    other_id = await funded_user(uow_factory, 10)
    async with uow_factory() as uow:
        for second in range(1, 5):
            await uow.credits.spend(user_id, 1, Reason.TASK_CHARGE, uuid.uuid4(), at(second), task_id=uuid.uuid4())
        await uow.commit()

    async with uow_factory() as uow:
        first = await uow.credits.ledger(user_id, 3, None)
        assert first.next_cursor is not None
        rest = await uow.credits.ledger(user_id, 3, first.next_cursor)
        balance = await uow.credits.balance(user_id)

    entries = first.items + rest.items
    assert [entry.created_at for entry in entries] == [at(4), at(3), at(2), at(1), at(0)]
    assert [entry.balance_after for entry in entries] == [6, 7, 8, 9, 10]
    assert rest.next_cursor is None
    assert {entry.user_id for entry in entries} == {user_id} != {other_id}
    assert reconciles(balance, entries)


async def test_ledger_rejects_a_bad_cursor(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        with pytest.raises(ValidationFailed):
            await uow.credits.ledger(uuid.uuid4(), 10, "not-a-cursor")
