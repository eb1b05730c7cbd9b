"""RefreshSession: rotate the refresh token; reuse of a rotated one revokes its whole family."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock
from application.ports.security import TokenIssuer
from application.use_cases.common import UowFactory
from application.use_cases.accounts.ensure_active import refuse_inactive
from application.use_cases.session_tokens import SessionTokens, Tokens, hash_token
from domain.errors import InvalidToken, TokenReused
from domain.tokens import REFRESH


class RefreshSession:
    def __init__(self, uow: UowFactory, tokens: TokenIssuer, sessions: SessionTokens, clock: Clock) -> None:
        self.uow = uow
        self.tokens = tokens
        self.sessions = sessions
        self.clock = clock

    async def __call__(self, refresh_token: str) -> Tokens:
        """Raises InvalidToken, or TokenReused after revoking the family."""
        now = self.clock.now()
        self.tokens.read(refresh_token, REFRESH, now)
        async with self.uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(hash_token(refresh_token))
            if stored is None or stored.revoked_at is not None or now >= stored.expires_at:
                raise InvalidToken("the refresh token is invalid or expired")
            refuse_inactive(await uow.users.get(stored.user_id))
            tokens, row = self.sessions.issue(stored.user_id, stored.family_id, now)
            if stored.replaced_by is None and await uow.refresh_tokens.rotate(stored.id, row, now):
                await uow.commit()
                return tokens
        await self._revoke(stored.family_id)
        raise TokenReused()

    async def _revoke(self, family_id: UUID) -> None:
        # In its own transaction: the failed rotation above must not undo the revocation.
        async with self.uow() as uow:
            await uow.refresh_tokens.revoke_family(family_id, self.clock.now())
            await uow.commit()
