"""LogIn: check the password, start a new token family."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.clock import Clock, IdGenerator
from application.ports.security import PasswordHasher
from application.use_cases.common import UowFactory
from application.use_cases.accounts.ensure_active import refuse_inactive
from application.use_cases.session_tokens import SessionTokens, Tokens
from domain.errors import InvalidCredentials
from domain.users import normalise_email



@dataclass(frozen=True)
class LogInCommand:
    email: str
    password: str


class LogIn:
    def __init__(
        self, uow: UowFactory, hasher: PasswordHasher, sessions: SessionTokens, clock: Clock, ids: IdGenerator
    ) -> None:
        self.uow = uow
        self.hasher = hasher
        self.sessions = sessions
        self.clock = clock
        self.ids = ids
        self._dummy_hash: str | None = None

    async def __call__(self, cmd: LogInCommand) -> Tokens:
        """Raises InvalidCredentials for a wrong email or a wrong password alike."""
        email = normalise_email(cmd.email)
        async with self.uow() as uow:
            user = await uow.users.get_by_email(email)
        if user is None:
            # Verify against a throwaway hash anyway, so an unknown email costs the same time.
            self._dummy_hash = self._dummy_hash or await self.hasher.hash("not-a-password")
        matches = await self.hasher.verify(user.password_hash if user else self._dummy_hash or "", cmd.password)
        if user is None or not matches:
            raise InvalidCredentials()
        refuse_inactive(user)
        tokens, row = self.sessions.issue(user.id, self.ids.new(), self.clock.now())
        async with self.uow() as uow:
            await uow.refresh_tokens.add(row)
            await uow.commit()
        return tokens
