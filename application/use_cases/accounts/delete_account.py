"""DeleteAccount: the person leaves. Their tasks, images, keys, endpoints, presets and sessions go; the ledger,
orders and payments stay for the accounts (tax records), detached from the person: the user row is kept as a
tombstone whose address is replaced."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

from application.ports.account_cache import AccountCache
from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock
from application.ports.security import PasswordHasher
from application.use_cases.common import UowFactory
from domain.errors import FieldError, InvalidToken, ValidationFailed
from domain.tasks import Task, preview_key, result_key
from domain.users import User

BATCH = 100  # rows per transaction while clearing an account out; above the caps on keys, endpoints and presets
UNUSABLE_HASH = "!deleted"  # no password verifies against it


def tombstone(user: User, now: datetime) -> User:
    return dataclasses.replace(
        user,
        email=f"deleted-{user.id.hex}@deleted.invalid",
        password_hash=UNUSABLE_HASH,
        email_verified=False,
        is_admin=False,
        deleted_at=now,
    )


class DeleteAccount:
    def __init__(
        self, uow: UowFactory, hasher: PasswordHasher, storage: BlobStorage, clock: Clock, accounts: AccountCache
    ) -> None:
        self.uow = uow
        self.hasher = hasher
        self.storage = storage
        self.clock = clock
        self.accounts = accounts

    async def __call__(self, user_id: UUID, password: str) -> None:
        """Raises ValidationFailed for a wrong password, InvalidToken when the account is gone."""
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
        if user is None or user.deleted_at is not None:
            raise InvalidToken("the account no longer exists")
        if not await self.hasher.verify(user.password_hash, password):
            raise ValidationFailed(FieldError("password", "is not your password"))
        now = self.clock.now()
        # First the tombstone: from here every credential of the account is refused and nothing new can start.
        async with self.uow() as uow:
            await uow.users.update(tombstone(user, now))
            await uow.refresh_tokens.revoke_user(user.id, now)
            await uow.commit()
        await self.accounts.changed(user.id)
        await purge_belongings(self.uow, self.storage, user.id, now)


async def purge_belongings(uow_factory: UowFactory, storage: BlobStorage, user_id: UUID, now: datetime) -> None:
    """Delete what a deleted account owned; idempotent, so a run cut short is finished by the next."""
    while tasks := await _next_tasks(uow_factory, user_id):
        async with uow_factory() as uow:
            for task in tasks:
                await uow.tasks.delete(task.id)
            await uow.commit()
        for task in tasks:  # after the commit, as DeleteTask does
            for key in (task.source_key, result_key(task.id), preview_key(task.id)):
                await storage.delete(key)
    async with uow_factory() as uow:
        for key in (await uow.api_keys.list(user_id, BATCH, None)).items:
            await uow.api_keys.revoke(key.id, user_id, now)
        for endpoint in (await uow.webhook_endpoints.list(user_id, BATCH, None)).items:
            await uow.webhook_endpoints.delete(endpoint.id, user_id)
        for preset in (await uow.presets.list(user_id, BATCH, None)).items:
            await uow.presets.delete(user_id, preset.name)
        await uow.commit()


async def _next_tasks(uow_factory: UowFactory, user_id: UUID) -> list[Task]:
    async with uow_factory() as uow:
        return (await uow.tasks.list(user_id, None, BATCH, None)).items
