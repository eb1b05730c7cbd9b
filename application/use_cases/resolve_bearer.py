"""ResolveBearer: an access token or an API key, whichever was sent, as the principal use cases act for."""

from __future__ import annotations

from application.ports.clock import Clock
from application.ports.secrets import SecretMinter
from application.use_cases.authenticate import Authenticate
from application.use_cases.common import UowFactory
from domain.api_keys import LAST_USED_RESOLUTION, Principal, looks_like_key
from domain.errors import InvalidToken


class ResolveBearer:
    def __init__(self, uow: UowFactory, minter: SecretMinter, authenticate: Authenticate, clock: Clock) -> None:
        self.uow = uow
        self.minter = minter
        self.authenticate = authenticate
        self.clock = clock

    async def __call__(self, credential: str) -> Principal:
        """Raises InvalidToken. A key is looked up on every request, so a revoked key fails at once everywhere."""
        if not looks_like_key(credential):
            return Principal(self.authenticate(credential))
        digest = self.minter.digest(credential)
        now = self.clock.now()
        async with self.uow() as uow:
            key = await uow.api_keys.by_hash(digest)
            if key is None or not self.minter.matches(credential, key.key_hash):
                raise InvalidToken("the API key is invalid or was revoked")
            if key.needs_touch(now):
                await uow.api_keys.touch(key.id, now, not_since=now - LAST_USED_RESOLUTION)
                await uow.commit()
        return Principal(key.user_id, frozenset(key.scopes), key.id)
