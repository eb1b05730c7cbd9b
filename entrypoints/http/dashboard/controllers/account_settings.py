"""Account settings page: the address and its verification, password and address changes, export, deletion."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Stream, Template

from application.use_cases.accounts.change_credentials import ChangeEmail, ChangePassword, ChangePasswordCommand
from application.use_cases.accounts.delete_account import DeleteAccount
from application.use_cases.accounts.export_account import ExportAccount
from application.use_cases.accounts.verify_email import ResendVerification
from domain.errors import EmailTaken, FieldError, Unauthenticated, ValidationFailed
from domain.tokens import ACCESS
from domain.users import PASSWORD_MAX, User
from entrypoints.http.dashboard import session
from entrypoints.http.dashboard.form_fields import field
from entrypoints.http.dashboard.views import page, see_other
from entrypoints.http.export_zip import build_zip, chunks
from entrypoints.http.rate_limits import ACCOUNT, RATE_LIMIT

PATH = "/account"
TEMPLATE = "account_settings.html.j2"
EMAIL_FIELD_MAX = 254
CHECKED = {RATE_LIMIT: ACCOUNT}  # every form that checks a password: no guessing at the page's speed


def _errors(exc: ValidationFailed, prefix: str) -> dict[str, str]:
    """Field errors keyed by the form they belong to, so each form shows only its own."""
    return {f"{prefix}.{error.field}": error.message for error in exc.errors}


def _settings_page(request: Request[Any, Any, Any], viewer: User, errors: dict[str, str], status_code: int, **entered: str) -> Template:
    return page(request, TEMPLATE, viewer, status_code, errors=errors, entered=entered)


def session_family(request: Request[Any, Any, Any], tokens: Any, clock: Any) -> UUID | None:
    """The login family of this browser's session: changing the password keeps it signed in.

    `tokens` is the TokenIssuer and `clock` the Clock: Protocols, which Litestar cannot check, hence Any.
    """
    try:
        family = tokens.read(session.session_of(request).access_token or "", ACCESS, clock.now()).family
        return UUID(family) if family else None
    except (Unauthenticated, ValueError):
        return None


class AccountSettingsController(Controller):
    path = PATH

    @get("/", summary="Account settings page")
    async def settings_page(self, request: Request[Any, Any, Any], viewer: User) -> Template:
        """The address and its state, and a form for each change."""
        return _settings_page(request, viewer, {}, 200)

    @post("/verify-email", opt=CHECKED, summary="Send the verification link again")
    async def resend(self, viewer: User, resend_verification: ResendVerification) -> Redirect:
        """Another link to the current address, unless it is verified already."""
        await resend_verification(viewer.id)
        return see_other(f"{PATH}?notice=verification-sent")

    @post("/password", opt=CHECKED, summary="Change the password")
    async def password(
        self, request: Request[Any, Any, Any], viewer: User, change_password: ChangePassword, tokens: Any, clock: Any
    ) -> Template | Redirect:
        """Every other session is logged out; this browser stays signed in."""
        form = await request.form()
        command = ChangePasswordCommand(
            viewer.id,
            field(form, "current_password", PASSWORD_MAX + 1),
            field(form, "new_password", PASSWORD_MAX + 1),
            session_family(request, tokens, clock),
        )
        try:
            await change_password(command)
        except ValidationFailed as exc:
            return _settings_page(request, viewer, _errors(exc, "password"), 422)
        return see_other(f"{PATH}?notice=password-changed")

    @post("/email", opt=CHECKED, summary="Change the e-mail address")
    async def email(self, request: Request[Any, Any, Any], viewer: User, change_email: ChangeEmail) -> Template | Redirect:
        """A link goes to the new address; the account moves when it is followed."""
        form = await request.form()
        new_email = field(form, "email", EMAIL_FIELD_MAX + 1)
        try:
            await change_email(viewer.id, field(form, "password", PASSWORD_MAX + 1), new_email)
        except ValidationFailed as exc:
            errors = {key.replace("current_password", "password"): message for key, message in _errors(exc, "email").items()}
            return _settings_page(request, viewer, errors, 422, new_email=new_email)
        except EmailTaken:
            errors = {"email.email": "belongs to another account"}
            return _settings_page(request, viewer, errors, 409, new_email=new_email)
        return see_other(f"{PATH}?notice=email-change-sent")

    @get("/export", summary="Download my data")
    async def export(self, viewer: User, export_account: ExportAccount, images: bool = False) -> Stream:
        """The API's export: a zip of the account, tasks, ledger and orders, with the images when asked."""
        export = await export_account(viewer.id)
        spool = await build_zip(export, export_account, images)
        return Stream(
            chunks(spool),
            media_type="application/zip",
            headers={"Content-Disposition": 'attachment; filename="pixelmill-export.zip"', "Cache-Control": "no-store"},
        )

    @post("/delete", opt=CHECKED, summary="Delete the account")
    async def delete(self, request: Request[Any, Any, Any], viewer: User, delete_account: DeleteAccount) -> Template | Redirect:
        """The address typed again and the password; then the browser is signed out."""
        form = await request.form()
        typed = field(form, "confirm_email", EMAIL_FIELD_MAX + 1)
        try:
            if typed.strip().lower() != viewer.email:
                raise ValidationFailed(FieldError("confirm_email", "is not your address: type it exactly as shown"))
            await delete_account(viewer.id, field(form, "password", PASSWORD_MAX + 1))
        except ValidationFailed as exc:
            return _settings_page(request, viewer, _errors(exc, "delete"), 422, confirm_email=typed)
        session.end(request)
        return see_other("/login?notice=account-deleted")
