"""The account parts of the store: user updates, conditional password changes, address search, session revocation
per user and the append-only audit log, the same on the fake, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest

from domain.audit import AuditAction, AuditEntry
from domain.errors import EmailTaken
from domain.tasks import Status
from tests.contract.builders import UowFactory, a_refresh_token, a_task, a_user, at, given


async def test_an_update_stores_address_flags_and_hash_but_never_credits(uow_factory: UowFactory) -> None:
    user = a_user(credits=5)
    await given(uow_factory, user)
    changed = dataclasses.replace(
        user,
        email="new@example.com",
        password_hash="other-hash",
        credits=999,
        email_verified=True,
        is_admin=True,
        disabled_at=at(5),
        deleted_at=at(6),
    )

    async with uow_factory() as uow:
        await uow.users.update(changed)
        await uow.commit()

    async with uow_factory() as uow:
        assert await uow.users.get(user.id) == dataclasses.replace(changed, credits=5)


async def test_an_update_to_a_taken_address_raises_and_changes_nothing(uow_factory: UowFactory) -> None:
    ada, bob = a_user(email="ada@example.com"), a_user(email="bob@example.com")
    await given(uow_factory, ada, bob)

    async with uow_factory() as uow:
        with pytest.raises(EmailTaken):
            await uow.users.update(dataclasses.replace(bob, email="ada@example.com"))
            await uow.commit()

    async with uow_factory() as uow:
        assert (await uow.users.get(bob.id)) == bob


async def test_of_two_racing_password_changes_from_one_hash_one_wins(uow_factory: UowFactory) -> None:
    user = a_user()
    await given(uow_factory, user)

    async def change(new_hash: str) -> bool:
        async with uow_factory() as uow:
            changed = await uow.users.replace_password(user.id, user.password_hash, new_hash)
            await uow.commit()
            return changed

    results = await asyncio.gather(change("first"), change("second"))

    async with uow_factory() as uow:
        stored = await uow.users.get(user.id)
    assert sorted(results) == [False, True]
    assert stored is not None and stored.password_hash == ("first" if results[0] else "second")


async def test_search_finds_addresses_containing_the_text_newest_first_in_pages(uow_factory: UowFactory) -> None:
    users = [dataclasses.replace(a_user(email=f"ada{i}@example.com"), created_at=at(i)) for i in range(3)]
    await given(uow_factory, *users, a_user(email="bob@example.com"), a_user(email="100%_x@example.com"))

    async with uow_factory() as uow:
        first = await uow.users.search("ada", 2, None)
        second = await uow.users.search("ada", 2, first.next_cursor)
        literal = await uow.users.search("%_", 10, None)

    assert [u.email for u in first.items] == ["ada2@example.com", "ada1@example.com"]
    assert [u.email for u in second.items] == ["ada0@example.com"] and second.next_cursor is None
    assert [u.email for u in literal.items] == ["100%_x@example.com"]  # wildcards are matched as text


async def test_revoking_a_users_sessions_can_spare_one_family_and_leaves_other_users_alone(
    uow_factory: UowFactory,
) -> None:
    user, other = a_user(), a_user()
    kept, gone, foreign = a_refresh_token(user.id), a_refresh_token(user.id), a_refresh_token(other.id)
    await given(uow_factory, user, other, kept, gone, foreign)

    async with uow_factory() as uow:
        await uow.refresh_tokens.revoke_user(user.id, at(10), keep_family=kept.family_id)
        await uow.commit()

    async with uow_factory() as uow:
        revoked = {t.id: (await uow.refresh_tokens.get_by_hash(t.token_hash)).revoked_at for t in (kept, gone, foreign)}  # type: ignore[union-attr]
    assert revoked == {kept.id: None, gone.id: at(10), foreign.id: None}


async def test_the_audit_log_keeps_entries_newest_first_in_pages(uow_factory: UowFactory) -> None:
    entries = [
        AuditEntry(uuid.uuid4(), "cli", AuditAction.GRANT_CREDITS, str(uuid.uuid4()), f"reason {i}", at(i))
        for i in range(3)
    ]
    async with uow_factory() as uow:
        for entry in entries:
            await uow.audit.add(entry)
        await uow.commit()

    async with uow_factory() as uow:
        first = await uow.audit.list(2, None)
        second = await uow.audit.list(2, first.next_cursor)

    assert first.items == entries[:0:-1] and second.items == [entries[0]] and second.next_cursor is None


async def test_audit_entries_roll_back_with_their_unit_of_work(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        await uow.audit.add(AuditEntry(uuid.uuid4(), "cli", AuditAction.ENABLE, "x", "why", at(0)))

    async with uow_factory() as uow:
        assert (await uow.audit.list(10, None)).items == []


async def test_expired_tasks_are_finished_ones_created_before_the_cutoff_until_marked(uow_factory: UowFactory) -> None:
    user = a_user()
    done = a_task(user.id, created=0, status=Status.COMPLETED)
    failed = a_task(user.id, created=1, status=Status.FAILED)
    queued = a_task(user.id, created=2)
    young = a_task(user.id, created=100, status=Status.COMPLETED)
    await given(uow_factory, user, done, failed, queued, young)

    async with uow_factory() as uow:
        first = await uow.tasks.expired(at(50), 10)
        await uow.tasks.mark_images_deleted(done.id, at(60))
        await uow.commit()
    async with uow_factory() as uow:
        second = await uow.tasks.expired(at(50), 10)
        marked = await uow.tasks.get(done.id)

    assert [t.id for t in first] == [done.id, failed.id]
    assert [t.id for t in second] == [failed.id]
    assert marked is not None and marked.images_deleted_at == at(60)
