"""Auth routes: signup, login, refresh, logout, me."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.use_cases.account import GetMe
from application.use_cases.log_in import LogIn, LogInCommand
from application.use_cases.log_out import LogOut
from application.use_cases.refresh_session import RefreshSession
from application.use_cases.sign_up import SignUp, SignUpCommand
from entrypoints.http.auth import PUBLIC
from entrypoints.http.rate_limits import AUTH, RATE_LIMIT
from entrypoints.http.schemas.auth import Credentials, RefreshBody, TokensOut, UserOut


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/signup", status_code=HTTP_201_CREATED, opt={PUBLIC: True, RATE_LIMIT: AUTH}, summary="Create an account")
    async def signup(self, data: Credentials, sign_up: SignUp) -> UserOut:
        """Create a user; the signup bonus lands in the ledger."""
        return UserOut.of(await sign_up(SignUpCommand(data.email, data.password)))

    @post("/login", status_code=200, opt={PUBLIC: True, RATE_LIMIT: AUTH}, summary="Log in")
    async def login(self, data: Credentials, log_in: LogIn) -> TokensOut:
        """Exchange email and password for an access and a refresh token."""
        return TokensOut.of(await log_in(LogInCommand(data.email, data.password)))

    @post("/refresh", status_code=200, opt={PUBLIC: True}, summary="Rotate the refresh token")
    async def refresh(self, data: RefreshBody, refresh_session: RefreshSession) -> TokensOut:
        """A new pair; the old refresh token stops working, and reusing it revokes the login."""
        return TokensOut.of(await refresh_session(data.refresh_token))

    @post("/logout", status_code=HTTP_204_NO_CONTENT, summary="Log out")
    async def logout(self, data: RefreshBody, log_out: LogOut, user_id: UUID) -> None:
        """Revoke this login's refresh tokens."""
        await log_out(user_id, data.refresh_token)


class MeController(Controller):
    path = "/me"
    tags = ["auth"]

    @get("/", summary="The current user")
    async def me(self, get_me: GetMe, user_id: UUID) -> UserOut:
        """The authenticated user with their balance."""
        return UserOut.of(await get_me(user_id))
