"""Account routes: password reset, e-mail verification, password and address changes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.di import Provide
from litestar.response import Stream
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from application.use_cases.accounts.delete_account import DeleteAccount
from application.use_cases.accounts.export_account import ExportAccount
from application.use_cases.accounts.change_credentials import ChangeEmail, ChangePassword, ChangePasswordCommand
from application.use_cases.accounts.password_reset import ConfirmPasswordReset, RequestPasswordReset
from application.use_cases.accounts.verify_email import ResendVerification, VerifyEmail
from domain.errors import Unauthenticated
from domain.tokens import ACCESS
from domain.users import normalise_email
from entrypoints.http.auth import PUBLIC
from entrypoints.http.rate_limits import ACCOUNT, RATE_LIMIT, RESET_EMAIL_STORE, RESET_EMAIL_WINDOW_SECONDS, limit_per_key
from entrypoints.http.export_zip import build_zip, chunks
from entrypoints.http.schemas.accounts import (
    EmailBody,
    EmailChangeBody,
    PasswordBody,
    PasswordChangeBody,
    ResetConfirmBody,
    TokenBody,
)
from entrypoints.settings import Settings

UNAUTHENTICATED = {PUBLIC: True, RATE_LIMIT: ACCOUNT}


class AccountAuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/password-reset", status_code=HTTP_202_ACCEPTED, opt=UNAUTHENTICATED, summary="Mail a password-reset link")
    async def password_reset(
        self, data: EmailBody, request_password_reset: RequestPasswordReset, request: Request, settings: Settings  # type: ignore[type-arg]
    ) -> None:  # type: ignore[type-arg]
        """202 whether or not the address has an account; the link works once, for 30 minutes."""
        email = normalise_email(data.email)
        await limit_per_key(request, RESET_EMAIL_STORE, email, settings.rate_limit_reset_per_email, RESET_EMAIL_WINDOW_SECONDS)
        await request_password_reset(email)

    @post("/password-reset/confirm", status_code=HTTP_204_NO_CONTENT, opt=UNAUTHENTICATED, summary="Set a new password")
    async def password_reset_confirm(self, data: ResetConfirmBody, confirm_password_reset: ConfirmPasswordReset) -> None:
        """Set the password from a reset link; every session of the account is revoked."""
        await confirm_password_reset(data.token, data.password)

    @post("/verify-email", status_code=HTTP_204_NO_CONTENT, opt=UNAUTHENTICATED, summary="Verify an e-mail address")
    async def verify(self, data: TokenBody, verify_email: VerifyEmail) -> None:
        """Follow a verification link: the address is verified (or the account moves to a new address)."""
        await verify_email(data.token)


def current_family(request: Request, tokens: Any, clock: Any) -> UUID | None:  # type: ignore[type-arg]
    """Dependency: the login family of the bearer access token, when it names one.

    `tokens` is the TokenIssuer and `clock` the Clock: Protocols, which Litestar cannot check, hence Any.
    """
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    try:
        family = tokens.read(token, ACCESS, clock.now()).family
        return UUID(family) if family else None
    except (Unauthenticated, ValueError):
        return None


class AccountMeController(Controller):
    path = "/me"
    tags = ["auth"]
    dependencies = {"login_family": Provide(current_family, sync_to_thread=False)}

    @post("/password", status_code=HTTP_204_NO_CONTENT, summary="Change the password")
    async def password(
        self, data: PasswordChangeBody, change_password: ChangePassword, user_id: UUID, login_family: UUID | None
    ) -> None:
        """Needs the current password; every other session of the account is revoked."""
        command = ChangePasswordCommand(user_id, data.current_password, data.new_password, login_family)
        await change_password(command)

    @post("/email", status_code=HTTP_202_ACCEPTED, summary="Change the e-mail address")
    async def email(self, data: EmailChangeBody, change_email: ChangeEmail, user_id: UUID) -> None:
        """Mail a link to the new address; the account moves to it when the link is followed."""
        await change_email(user_id, data.password, data.email)

    @post("/verify-email", status_code=HTTP_202_ACCEPTED, summary="Send the verification link again")
    async def resend(self, resend_verification: ResendVerification, user_id: UUID) -> None:
        """Another link to the current address, unless it is verified already."""
        await resend_verification(user_id)

    @get("/export", summary="Export your data", media_type="application/zip")
    async def export(self, export_account: ExportAccount, user_id: UUID, images: bool = False) -> Stream:
        """A zip of account.json, tasks.json, ledger.json and orders.json; with `images=true` the images as well."""
        export = await export_account(user_id)
        spool = await build_zip(export, export_account, images)
        return Stream(
            chunks(spool),
            media_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="pixelmill-export.zip"'},
        )

    @delete("/", status_code=HTTP_204_NO_CONTENT, summary="Delete your account")
    async def delete_me(self, data: PasswordBody, delete_account: DeleteAccount, user_id: UUID) -> None:
        """Needs the password. Tasks, images, keys, endpoints and sessions are deleted; the ledger and payments are
        kept for the accounts, detached from you (your address is replaced)."""
        await delete_account(user_id, data.password)
