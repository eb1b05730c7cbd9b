"""Entities for contract tests: unique ids and emails per call, times relative to one fixed start."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from application.ports.unit_of_work import UnitOfWork
from domain.operations import Blur, Format, Resize
from domain.sessions import RefreshToken
from domain.tasks import Task
from domain.users import User
from domain.values import ImageInfo

START = datetime(2026, 1, 1, tzinfo=UTC)

UowFactory = Callable[[], UnitOfWork]


def at(seconds: float) -> datetime:
    return START + timedelta(seconds=seconds)


def a_user(credits: int = 0, email: str | None = None) -> User:
    return User(uuid.uuid4(), email or f"{uuid.uuid4().hex[:12]}@example.com", "argon2-hash", credits, START)


def a_task(owner_id: UUID, created: float = 0, **fields: Any) -> Task:
    task_id = uuid.uuid4()
    defaults: dict[str, Any] = {
        "id": task_id,
        "owner_id": owner_id,
        "title": "holiday",
        "metadata": {"album": "summer", "tags": ["beach", 1, None], "nested": {"ok": True}},
        "operations": (Resize(640, 480, fit="cover"), Blur(1.5), Format("webp", quality=70)),
        "source": ImageInfo("PNG", 800, 600, "RGB", 12_345),
        "source_key": f"sources/{task_id}",
        "created_at": at(created),
        "updated_at": at(created),
    }
    return Task(**{**defaults, **fields})


def a_refresh_token(user_id: UUID, family_id: UUID | None = None, created: float = 0) -> RefreshToken:
    return RefreshToken(
        id=uuid.uuid4(),
        user_id=user_id,
        family_id=family_id or uuid.uuid4(),
        token_hash=uuid.uuid4().hex * 2,
        expires_at=at(created + 3600),
        created_at=at(created),
    )


async def given(new_uow: UowFactory, *entities: User | Task | RefreshToken) -> None:
    """Store users, tasks and refresh tokens, in order, in one committed unit of work."""
    async with new_uow() as uow:
        for entity in entities:
            if isinstance(entity, User):
                await uow.users.add(entity)
            elif isinstance(entity, Task):
                await uow.tasks.add(entity)
            else:
                await uow.refresh_tokens.add(entity)
        await uow.commit()
