"""The public page of a share link: no login, the result fitted to the screen, before/after when allowed."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from application.use_cases.share_links.read_shared import ReadShared
from entrypoints.http.dashboard.views import page, time_left
from entrypoints.http.schemas.tasks import TaskOut


class SharePageController(Controller):
    path = "/s"

    @get("/{share_id:str}", summary="A shared result's public page")
    async def shared(self, request: Request[Any, Any, Any], share_id: str, read_shared: ReadShared, clock: Any) -> Template:
        """The title, the result, a download button and the expiry; the 404 page when the link no longer works."""
        shared = await read_shared(share_id)
        link = shared.link
        return page(
            request,
            "shared.html.j2",
            task=TaskOut.of(shared.task),
            link=link,
            expires_in=time_left(link.expires_at, clock.now()),
            image=f"/api/v1/shared/{link.id}",
        )
