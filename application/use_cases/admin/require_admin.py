"""RequireAdmin: admin routes exist only for admins; everyone else gets the 404 of a route that is not there."""

from __future__ import annotations

from uuid import UUID

from application.use_cases.common import UowFactory
from domain.errors import NotFound


class RequireAdmin:
    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def __call__(self, user_id: UUID) -> None:
        """Raises NotFound unless the user is an active admin."""
        async with self.uow() as uow:
            user = await uow.users.get(user_id)
        if user is None or not user.is_admin or not user.active:
            raise NotFound("not found")
