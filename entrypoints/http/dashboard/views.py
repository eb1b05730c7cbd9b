"""Rendering dashboard pages: the template set, its filters, and the context every page shares."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from jinja2 import Environment, FileSystemLoader
from litestar import MediaType, Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template import TemplateConfig

from application.use_cases.account import GetMe
from domain.errors import Unauthenticated
from domain.users import User
from entrypoints.http.dashboard.csrf import token_for
from entrypoints.http.dashboard.session import LoginRequired

TEMPLATES = Path(__file__).parent / "templates"
NO_STORE = {"Cache-Control": "no-store"}  # balances and statuses change: never show a stale page from a cache

REASONS = {
    "signup_bonus": "Sign-up bonus",
    "task_charge": "Task charge",
    "task_refund": "Refund of a failed task",
    "purchase": "Purchase",
    "purchase_reversal": "Purchase refunded",
    "admin_grant": "Granted by an administrator",
    "admin_debit": "Taken back by an administrator",
}
# Fixed messages chosen by a query parameter: nothing from the URL is ever shown as text.
NOTICES = {
    "welcome": "Welcome to Pixelmill! Your sign-up bonus is in your balance.",
    "deleted": "The task and its images were deleted.",
    "shared": "A new share link was made: copy it from the list of share links.",
    "share-revoked": "The share link was revoked: it no longer works.",
    "batch": "Your images were uploaded: one task per image, listed below.",
    "key-revoked": "The API key was revoked: it no longer works.",
    "endpoint-deleted": "The webhook endpoint was deleted: nothing more is sent to it.",
    "preset-saved": "The preset was saved.",
    "preset-deleted": "The preset was deleted; tasks made with it keep their operations.",
    "paid": "Payment received: the credits are in your balance.",
    "pending": "We are waiting for the payment gateway to confirm your payment.",
    "cancelled": "The payment was cancelled; nothing was charged.",
    "no-credits": "You have no credits left. Buy some to process more images.",
    "logged-out": "You are logged out.",
    "verification-sent": "A new verification link is on its way to your address.",
    "password-changed": "Your password is changed. Your other sessions are logged out; this one stays signed in.",
    "email-change-sent": "A link is on its way to the new address: your address changes when you follow it.",
    "account-deleted": "Your account is deleted, with its tasks, images and keys. Thank you for using Pixelmill.",
    "user-disabled": "The account is disabled: its sessions and API keys are refused at once.",
    "user-enabled": "The account is enabled again.",
    "credits-adjusted": "The credits were moved and the audit log records why.",
    "order-refunded": "The order's credits were taken back (never below zero), its money was refunded through the"
    " payment gateway, and the audit log records why.",
}
CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


def money(amount: int, currency: str) -> str:
    """Minor units as a price: 49900 INR is ₹499.00."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{whole:,}.{cents:02d}" if symbol else f"{sign}{whole:,}.{cents:02d} {currency.upper()}"


def filesize(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB"):
        if value < 1024:
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def time_left(until: datetime, now: datetime) -> str:
    """How long until a moment, in words: "in 7 days", "in 1 hour", "in 5 minutes" (a link made a moment ago for
    7 days says 7 days, not 6)."""
    seconds = (until - now).total_seconds()
    if seconds <= 0:
        return "now"
    minutes = round(seconds / 60)
    if minutes >= 24 * 60:
        count, unit = round(minutes / (24 * 60)), "day"
    elif minutes >= 60:
        count, unit = round(minutes / 60), "hour"
    elif minutes >= 1:
        count, unit = minutes, "minute"
    else:
        return "in less than a minute"
    return f"in {count} {unit}{'' if count == 1 else 's'}"


_GAVE_UP = re.compile(r"^gave up after (\d+) attempts")
_TOO_LONG = re.compile(r"^processing took longer than ([\d.]+) s")


def failure(error: str | None) -> str:
    """Why a task failed, in words a person can act on (the worker's reason is shown beside it)."""
    text = (error or "").strip()
    if match := _GAVE_UP.match(text):
        return (f"Processing stopped {match[1]} times before it could finish, most likely because the image needed "
                "more memory than a worker has. Try a smaller image or fewer operations.")
    if match := _TOO_LONG.match(text):
        return (f"Processing took longer than the {match[1]}-second limit. Try a smaller image, or fewer or lighter "
                "operations (blur and sharpen on large images are the slowest).")
    if text == "the uploaded image is missing from storage":
        return "The uploaded image could no longer be found, so there was nothing to process. Upload it again."
    if text.startswith("storage kept failing"):
        return "Our file storage kept failing while processing this image. Please try again in a few minutes."
    if not text:
        return "No reason was recorded."
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def describe(op: dict[str, Any]) -> str:
    """One operation in words."""
    name = op.get("op")
    if name == "resize":
        return f"Resize to {op['width']}×{op['height']} ({op.get('fit', 'contain')})"
    if name == "thumbnail":
        return f"Thumbnail, longest side {op['size']} px"
    if name == "rotate":
        return f"Rotate {op['degrees']}° counter-clockwise"
    if name == "flip":
        return f"Flip {op['direction']}"
    if name == "blur":
        return f"Blur, radius {op['radius']:g}"
    if name == "format":
        quality = "" if op["format"] == "png" else f", quality {op.get('quality', 85)}"
        return f"Convert to {str(op['format']).upper()}{quality}"
    if name == "crop":
        return f"Crop {op['width']}×{op['height']} at ({op['left']}, {op['top']})"
    if name == "pad":
        return f"Pad to {op['width']}×{op['height']} with {op.get('color', '#000000')}"
    if name == "watermark":
        return f"Watermark “{op['text']}” at {op.get('position', 'southeast')}"
    return str(name).capitalize()


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    environment.filters.update(
        money=money, filesize=filesize, when=when, describe=describe, failure=failure, reason=lambda r: REASONS.get(str(r), str(r))
    )
    return environment


_ENVIRONMENT = _environment()  # one for every app of the process: templates compile once


def render(name: str, **context: Any) -> str:
    """A template rendered outside a handler's return (error pages stream it)."""
    return _ENVIRONMENT.get_template(name).render(**context)


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(_ENVIRONMENT))


def page(request: Request[Any, Any, Any], name: str, viewer: User | None = None, status_code: int = 200, **context: Any) -> Template:
    """A page with what the layout needs: the viewer (balance in the header), the CSRF token, the notice."""
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return Template(
        template_name=name,
        context={"viewer": viewer, "csrf": token_for(request), "notice": notice, "path": request.url.path, **context},
        status_code=status_code,
        headers=NO_STORE,
        media_type=MediaType.HTML,  # whatever the handler's return annotation makes Litestar guess
    )


def see_other(path: str) -> Redirect:
    """After a form: the browser GETs the next page (303), so a reload never posts twice."""
    return Redirect(path, status_code=303)


def safe_next(raw: str | None) -> str:
    """Only a path on this site: `//evil.example` and `https://…` would turn login into an open redirect."""
    if raw and raw.startswith("/") and not raw.startswith(("//", "/\\")):
        return raw
    return "/"


async def provide_viewer(request: Request[Any, Any, Any], get_me: GetMe) -> User:
    """Dependency: the logged-in user, read fresh so the balance in the header is always current."""
    user_id: UUID | None = request.scope.get("user")
    if user_id is None:
        raise LoginRequired("log in to see this page")
    try:
        return await get_me(user_id)
    except Unauthenticated:
        raise LoginRequired("the account no longer exists") from None
