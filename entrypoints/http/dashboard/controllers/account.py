"""Sign up, log in and log out: the pages that start and end a dashboard session."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from application.use_cases.log_in import LogIn, LogInCommand
from application.use_cases.log_out import LogOut
from application.use_cases.sign_up import SignUp, SignUpCommand
from domain.errors import EmailTaken, InvalidCredentials, ValidationFailed
from entrypoints.http.dashboard import session
from entrypoints.http.dashboard.views import page, safe_next, see_other
from entrypoints.http.rate_limits import AUTH, RATE_LIMIT

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


def _credentials(form: dict[str, Any]) -> tuple[str, str]:
    return str(form.get("email", "")), str(form.get("password", ""))


def _already_in(request: Request[Any, Any, Any]) -> bool:
    return request.scope.get("user") is not None


class AccountController(Controller):

    @get("/login", summary="Log-in page")
    async def login_page(self, request: Request[Any, Any, Any], next: str | None = None) -> Template | Redirect:
        """The log-in form; a browser already logged in goes on."""
        if _already_in(request):
            return see_other(safe_next(next))
        return page(request, "login.html.j2", next=safe_next(next))

    @post("/login", opt={RATE_LIMIT: AUTH}, summary="Log in")
    async def login(self, request: Request[Any, Any, Any], data: Annotated[dict[str, Any], Form], log_in: LogIn) -> Any:
        """Check the credentials, start the session, go where the user was heading."""
        email, password = _credentials(data)
        target = safe_next(str(data.get("next") or "/"))
        try:
            tokens = await log_in(LogInCommand(email, password))
        except (InvalidCredentials, ValidationFailed):
            # One message for both, as the API does: the form must not tell which emails exist.
            return page(request, "login.html.j2", status_code=401, email=email, next=target,
                        form_error="That email and password do not match an account.")
        session.start(request, tokens)
        return see_other(target)

    @get("/signup", summary="Sign-up page")
    async def signup_page(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        """The sign-up form."""
        if _already_in(request):
            return see_other("/")
        return page(request, "signup.html.j2")

    @post("/signup", opt={RATE_LIMIT: AUTH}, summary="Sign up")
    async def signup(
        self, request: Request[Any, Any, Any], data: Annotated[dict[str, Any], Form], sign_up: SignUp, log_in: LogIn
    ) -> Any:
        """Create the account and log straight in."""
        email, password = _credentials(data)
        try:
            await sign_up(SignUpCommand(email, password))
        except ValidationFailed as exc:
            errors = {error.field: error.message for error in exc.errors}
            return page(request, "signup.html.j2", status_code=422, email=email, errors=errors)
        except EmailTaken:
            errors = {"email": "is already registered: log in instead"}
            return page(request, "signup.html.j2", status_code=409, email=email, errors=errors)
        session.start(request, await log_in(LogInCommand(email, password)))
        return see_other("/?notice=welcome")

    @post("/logout", summary="Log out")
    async def logout(self, request: Request[Any, Any, Any], log_out: LogOut) -> Redirect:
        """Revoke this login's refresh tokens and forget the cookie."""
        user_id: UUID | None = request.scope.get("user")
        refresh_token = session.session_of(request).refresh_token
        if user_id is not None and refresh_token:
            await log_out(user_id, refresh_token)
        session.end(request)
        return see_other("/login?notice=logged-out")
