"""CreateApiKey, ListApiKeys, RevokeApiKey: a user's keys, the secret shown once."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.ports.clock import Clock, IdGenerator
from application.ports.secrets import SecretMinter
from application.use_cases.common import UowFactory
from domain.api_keys import KEY_PREFIX, MAX_LIVE_KEYS, SHOWN_PREFIX_CHARS, ApiKey, check_key_name, parse_scopes
from domain.errors import ApiKeyNotFound, TooManyApiKeys
from domain.values import Page


@dataclass(frozen=True)
class NewApiKey:
    key: ApiKey
    secret: str  # the only time the full key exists outside the client


class CreateApiKey:
    def __init__(self, uow: UowFactory, minter: SecretMinter, clock: Clock, ids: IdGenerator) -> None:
        self.uow = uow
        self.minter = minter
        self.clock = clock
        self.ids = ids

    async def __call__(self, user_id: UUID, name: str, scopes: list[str] | None) -> NewApiKey:
        """Raises ValidationFailed, TooManyApiKeys (at MAX_LIVE_KEYS live keys)."""
        secret = self.minter.new(KEY_PREFIX)
        key = ApiKey(
            id=self.ids.new(),
            user_id=user_id,
            name=check_key_name(name),
            prefix=secret[:SHOWN_PREFIX_CHARS],
            key_hash=self.minter.digest(secret),
            scopes=parse_scopes(scopes),
            created_at=self.clock.now(),
        )
        async with self.uow() as uow:
            if not await uow.api_keys.add_within_limit(key, MAX_LIVE_KEYS):
                raise TooManyApiKeys()
            await uow.commit()
        return NewApiKey(key, secret)


class ListApiKeys:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID, limit: int, cursor: str | None) -> Page[ApiKey]:
        """The user's live keys, newest first."""
        async with self.uow() as uow:
            return await uow.api_keys.list(user_id, limit, cursor)


class RevokeApiKey:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def __call__(self, user_id: UUID, key_id: UUID) -> None:
        """The key stops working on the next request to any process; raises ApiKeyNotFound."""
        async with self.uow() as uow:
            if not await uow.api_keys.revoke(key_id, user_id, self.clock.now()):
                raise ApiKeyNotFound()
            await uow.commit()
