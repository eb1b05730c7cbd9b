"""LogOut: revoke the refresh token's family (this login only)."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from application.use_cases.session_tokens import hash_token


class LogOut:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def __call__(self, user_id: UUID, refresh_token: str) -> None:
        """Idempotent: an unknown, foreign or already revoked token changes nothing."""
        async with self.uow() as uow:
            stored = await uow.refresh_tokens.get_by_hash(hash_token(refresh_token))
            if stored is None or stored.user_id != user_id:
                return
            await uow.refresh_tokens.revoke_family(stored.family_id, self.clock.now())
            await uow.commit()
