"""The task page's share links: make one (a lifetime, before/after allowed or not), revoke one; both post/redirect/get."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect

from application.use_cases.share_links.revoke_share_link import RevokeShareLink
from application.use_cases.share_links.share_result import ShareRequest, ShareResult
from domain.errors import FieldError, ValidationFailed
from domain.users import User
from entrypoints.http.dashboard.views import see_other

# The form's choices, in seconds; the API takes any lifetime from 60 s to 30 days.
LIFETIMES = {3600: "1 hour", 86400: "1 day", 7 * 86400: "7 days", 30 * 86400: "30 days"}
DEFAULT_LIFETIME = 7 * 86400


def _lifetime(raw: object) -> int:
    if isinstance(raw, str) and raw.isdigit() and int(raw) in LIFETIMES:
        return int(raw)
    raise ValidationFailed(FieldError("lifetime", "choose one of the lifetimes offered"))


class TaskSharesController(Controller):
    path = "/tasks"

    @get("/{task_id:uuid}/share", summary="Back to the task page")
    async def share_page(self, task_id: UUID) -> Redirect:
        """A reload or a bookmark of the form's address shows the task, not an error."""
        return see_other(f"/tasks/{task_id}")

    @post("/{task_id:uuid}/share", summary="Make a share link")
    async def share(self, request: Request[Any, Any, Any], task_id: UUID, viewer: User, share_result: ShareResult) -> Redirect:
        """Back to the task page, whose list of share links shows the new one first."""
        form = await request.form()
        lifetime = _lifetime(form.get("lifetime", str(DEFAULT_LIFETIME)))
        await share_result(ShareRequest(viewer.id, task_id, lifetime, show_original=form.get("show_original") == "1"))
        return see_other(f"/tasks/{task_id}?notice=shared#share-links")

    @post("/{task_id:uuid}/shares/{share_id:str}/revoke", summary="Revoke a share link")
    async def revoke(self, task_id: UUID, share_id: str, viewer: User, revoke_share_link: RevokeShareLink) -> Redirect:
        """The link answers 404 at once."""
        await revoke_share_link(viewer.id, task_id, share_id)
        return see_other(f"/tasks/{task_id}?notice=share-revoked#share-links")
