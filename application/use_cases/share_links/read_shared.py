"""ReadShared: what a share link shows a visitor (no login), while it is live and its task's images exist."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from application.use_cases.task_files.stream import result_of
from domain.errors import ResultNotReady, SharedLinkInvalid
from domain.share_links import ShareLink, looks_like_share_id
from domain.tasks import Task


@dataclass(frozen=True)
class Shared:
    link: ShareLink
    task: Task


class ReadShared:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def __call__(self, link_id: str) -> Shared:
        """Raises SharedLinkInvalid when the link is unknown, revoked or expired, or its task or images are gone."""
        if not looks_like_share_id(link_id):
            raise SharedLinkInvalid()  # an old JWT link, a NUL, `../`: never looked up
        async with self.uow() as uow:
            link = await uow.share_links.get(link_id)
            task = await uow.tasks.get(link.task_id, link.owner_id) if link else None
        if link is None or task is None or not link.is_live(self.clock.now()) or task.images_deleted_at is not None:
            raise SharedLinkInvalid()
        try:
            result_of(task)
        except ResultNotReady:
            raise SharedLinkInvalid() from None
        return Shared(link, task)
