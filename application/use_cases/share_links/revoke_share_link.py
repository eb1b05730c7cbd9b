"""RevokeShareLink: the owner ends a share link before it expires."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock
from application.use_cases.common import UowFactory
from domain.errors import ShareLinkNotFound
from domain.share_links import looks_like_share_id


class RevokeShareLink:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def __call__(self, owner_id: UUID, task_id: UUID, link_id: str) -> None:
        """The link stops working on the next request to any process; raises ShareLinkNotFound."""
        if not looks_like_share_id(link_id):
            raise ShareLinkNotFound()  # never sent to the database: a NUL is refused there, a 5000-char id is waste
        async with self.uow() as uow:
            if not await uow.share_links.revoke(link_id, task_id, owner_id, self.clock.now()):
                raise ShareLinkNotFound()
            await uow.commit()
