"""Where mailed links land: asking for a reset, setting the new password, and verifying an address."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template

from application.use_cases.accounts.password_reset import ConfirmPasswordReset, RequestPasswordReset
from application.use_cases.accounts.verify_email import VerifyEmail
from domain.errors import EmailTaken, LinkTokenInvalid, ValidationFailed
from domain.users import normalise_email
from entrypoints.http.dashboard.views import page
from entrypoints.http.rate_limits import ACCOUNT, RATE_LIMIT, RESET_EMAIL_STORE, RESET_EMAIL_WINDOW_SECONDS, limit_per_key
from entrypoints.settings import Settings

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
RESET = "Choose a new password"
FORGOT = "Forgot your password?"
VERIFY = "Verify your e-mail"
INVALID = "This link is invalid, expired or already used. Ask for a new one."
SENT = "If an account has that address, a link to choose a new password is on its way. It works for 30 minutes."


class MailLinksController(Controller):

    @get("/forgot-password", summary="Ask for a password-reset link")
    async def forgot_page(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "mail_link.html.j2", heading=FORGOT, mode="ask")

    @post("/forgot-password", opt={RATE_LIMIT: ACCOUNT}, summary="Mail a password-reset link")
    async def forgot(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[dict[str, Any], Form],
        request_password_reset: RequestPasswordReset,
        settings: Settings,
    ) -> Template:
        """The same answer whether the address has an account or not."""
        raw = str(data.get("email", ""))
        try:
            email = normalise_email(raw)
        except ValidationFailed as exc:
            errors = {error.field: error.message for error in exc.errors}
            return page(request, "mail_link.html.j2", status_code=422, heading=FORGOT, mode="ask", email=raw, errors=errors)
        limit = settings.rate_limit_reset_per_email
        await limit_per_key(request, RESET_EMAIL_STORE, email, limit, RESET_EMAIL_WINDOW_SECONDS)
        await request_password_reset(email)
        return page(request, "mail_link.html.j2", heading=FORGOT, mode="sent", message=SENT)

    @get("/reset-password", summary="The password-reset link")
    async def reset_page(self, request: Request[Any, Any, Any], token: str = "") -> Template:
        return page(request, "mail_link.html.j2", heading=RESET, mode="reset", token=token[:4096])

    @post("/reset-password", opt={RATE_LIMIT: ACCOUNT}, summary="Set the new password")
    async def reset(
        self, request: Request[Any, Any, Any], data: Annotated[dict[str, Any], Form], confirm_password_reset: ConfirmPasswordReset
    ) -> Template:
        """Every session of the account ends; the user logs in with the new password."""
        token = str(data.get("token", ""))[:4096]
        try:
            await confirm_password_reset(token, str(data.get("password", "")))
        except ValidationFailed as exc:
            errors = {error.field: error.message for error in exc.errors}
            return page(request, "mail_link.html.j2", status_code=422, heading=RESET, mode="reset", token=token, errors=errors)
        except LinkTokenInvalid:
            return page(request, "mail_link.html.j2", status_code=400, heading=RESET, mode="invalid", form_error=INVALID)
        return page(request, "mail_link.html.j2", heading=RESET, mode="done", message="Your password is set. Log in with it.")

    @get("/verify-email", summary="The verification link")
    async def verify_page(self, request: Request[Any, Any, Any], token: str = "") -> Template:
        """A button rather than verifying on GET: mail scanners open links too."""
        return page(request, "mail_link.html.j2", heading=VERIFY, mode="verify", token=token[:4096])

    @post("/verify-email", opt={RATE_LIMIT: ACCOUNT}, summary="Verify the address")
    async def verify(
        self, request: Request[Any, Any, Any], data: Annotated[dict[str, Any], Form], verify_email: VerifyEmail
    ) -> Template:
        try:
            await verify_email(str(data.get("token", ""))[:4096])
        except LinkTokenInvalid:
            return page(request, "mail_link.html.j2", status_code=400, heading=VERIFY, mode="invalid", form_error=INVALID)
        except EmailTaken:
            error = "That address now belongs to another account."
            return page(request, "mail_link.html.j2", status_code=409, heading=VERIFY, mode="invalid", form_error=error)
        return page(request, "mail_link.html.j2", heading=VERIFY, mode="done", message="Your address is verified. Thank you!")
