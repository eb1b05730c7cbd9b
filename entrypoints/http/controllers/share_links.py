"""Share routes: the owner makes, lists and revokes a task's links; anyone with a link downloads what it shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Controller, Request, delete, get, post
from litestar.openapi.spec import Operation, RequestBody
from litestar.response import Stream
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.use_cases.share_links.list_share_links import ListShareLinks
from application.use_cases.share_links.open_shared_original import OpenSharedOriginal
from application.use_cases.share_links.open_shared_result import OpenSharedResult
from application.use_cases.share_links.revoke_share_link import RevokeShareLink
from application.use_cases.share_links.share_result import ShareRequest, ShareResult
from application.use_cases.task_files.stream import FileStream
from entrypoints.http.auth import PUBLIC, SCOPE
from entrypoints.http.controllers.tasks import image_response
from entrypoints.http.links import absolute_url
from entrypoints.http.schemas.share_links import ShareIn, ShareLinkList, ShareLinkOut
from entrypoints.http.security_headers import IMAGE_CSP
from entrypoints.settings import Settings


@dataclass
class OptionalBodyOperation(Operation):
    """Litestar documents every body as required; this route's may be left out (an empty POST takes the defaults)."""

    def __post_init__(self) -> None:
        if isinstance(self.request_body, RequestBody):
            self.request_body.required = False


def origin(request: Request[Any, Any, Any], settings: Settings) -> str:
    """PUBLIC_URL, or in development the address the connection reached."""
    return absolute_url(request, settings.public_url, "")


class ShareLinksController(Controller):
    path = "/tasks"
    opt = {SCOPE: "tasks"}  # API keys: tasks:read to list, tasks:write to make or revoke
    tags = ["tasks"]

    @post(
        "/{task_id:uuid}/share",
        status_code=HTTP_201_CREATED,
        summary="Make a short, revocable share link",
        operation_class=OptionalBodyOperation,
    )
    async def share(
        self,
        request: Request[Any, Any, Any],
        task_id: UUID,
        share_result: ShareResult,
        user_id: UUID,
        settings: Settings,
        data: ShareIn | None = None,
    ) -> ShareLinkOut:
        """A link anyone may open without logging in; 409 unless completed or at 10 live links of the task."""
        body = data or ShareIn()
        link = await share_result(ShareRequest(user_id, task_id, body.expires_in_seconds, body.show_original))
        return ShareLinkOut.of(link, origin(request, settings))

    @get("/{task_id:uuid}/shares", summary="The task's live share links")
    async def shares(
        self, request: Request[Any, Any, Any], task_id: UUID, list_share_links: ListShareLinks, user_id: UUID, settings: Settings
    ) -> ShareLinkList:
        """Neither revoked nor expired, newest first."""
        links = await list_share_links(user_id, task_id)
        return ShareLinkList([ShareLinkOut.of(link, origin(request, settings)) for link in links])

    @delete("/{task_id:uuid}/shares/{share_id:str}", status_code=HTTP_204_NO_CONTENT, summary="Revoke a share link")
    async def revoke(self, task_id: UUID, share_id: str, revoke_share_link: RevokeShareLink, user_id: UUID) -> None:
        """The link answers 404 from now on, on every process."""
        await revoke_share_link(user_id, task_id, share_id)


class SharedController(Controller):
    path = "/shared"
    tags = ["tasks"]

    @get("/{share_id:str}", opt={PUBLIC: True}, summary="Download a shared result (no auth)")
    async def shared(self, share_id: str, open_shared_result: OpenSharedResult, download: bool = False) -> Stream:
        """The result bytes; `?download=true` makes a browser save them. 404 when the link is unknown, revoked or
        expired, or its task deleted."""
        file = await open_shared_result(share_id)
        return _viewable(image_response(file, download_name(file) if download else None))

    @get("/{share_id:str}/original", opt={PUBLIC: True}, summary="Download a shared task's uploaded image (no auth)")
    async def original(self, share_id: str, open_shared_original: OpenSharedOriginal) -> Stream:
        """The uploaded bytes, only when the owner allowed before/after on this link; 404 otherwise."""
        return _viewable(image_response(await open_shared_original(share_id)))


def download_name(file: FileStream) -> str:
    extension = {"jpeg": "jpg"}.get(file.info.format.lower(), file.info.format.lower())
    return f"pixelmill-shared.{extension}"


def _viewable(response: Stream) -> Stream:
    """Opened on its own, a browser shows an image in a page of its own whose inline styles fit it to the window:
    this policy allows those styles and nothing else (no script, no frame)."""
    response.headers["Content-Security-Policy"] = IMAGE_CSP
    return response
