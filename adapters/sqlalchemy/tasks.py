"""SQL tasks: a worker's claim, lease and finish are conditional statements, so that only one worker holds a task."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.execute import one, page, write
from adapters.sqlalchemy.mappers import row_of, task_row, to_task
from adapters.sqlalchemy.tables import UtcDateTime, kept_idempotency_keys, tasks
from domain.tasks import KeptKey, Status, Task
from domain.values import Page

QUEUED = Status.QUEUED.value
PROCESSING = Status.PROCESSING.value

# The statements of every request's hot path are built once: an execution then only binds its values, where
# building one anew coerces every value and regenerates the cache key each time.
_INSERT_TASK = insert(tasks)
# A worker's claim, lease renewal and finish, once per task each: built once too.
_NOW = bindparam("now", type_=UtcDateTime())
_UNTIL = bindparam("until", type_=UtcDateTime())
_HELD = and_(tasks.c.id == bindparam("task_id"), tasks.c.status == PROCESSING, tasks.c.attempts == bindparam("attempt"))
_CLAIM_TASK = (
    update(tasks)
    .where(
        tasks.c.id == bindparam("task_id"),
        or_(tasks.c.status == QUEUED, and_(tasks.c.status == PROCESSING, tasks.c.lease_until < _NOW)),
    )
    .values(
        status=PROCESSING,
        attempts=tasks.c.attempts + 1,
        lease_until=_UNTIL,
        started_at=func.coalesce(tasks.c.started_at, _NOW),
        updated_at=_NOW,
    )
    .returning(*tasks.c)
)
_RENEW_TASK = update(tasks).where(_HELD).values(lease_until=_UNTIL).returning(tasks.c.id)
_FINISH_TASK = update(tasks).where(_HELD).returning(tasks.c.id)
# What finishing an attempt changes (Task.complete, fail, give_up); nothing else of the row is written back.
_OUTCOME = ("status", "result", "result_key", "error", "attempts", "lease_until", "finished_at", "updated_at")


class SqlTaskRepository:
    def __init__(self, session: AsyncConnection) -> None:
        self.session = session

    async def add(self, task: Task) -> None:
        await write(self.session, _INSERT_TASK, task_row(task))

    async def get(self, task_id: UUID, owner_id: UUID | None = None) -> Task | None:
        query = select(tasks).where(tasks.c.id == task_id)
        if owner_id is not None:
            query = query.where(tasks.c.owner_id == owner_id)
        row = await one(self.session, query)
        return to_task(row) if row else None

    async def by_idempotency_key(self, owner_id: UUID, key: str) -> Task | None:
        query = select(tasks).where(tasks.c.owner_id == owner_id, tasks.c.idempotency_key == key)
        row = await one(self.session, query)
        return to_task(row) if row else None

    async def forget_idempotency_key(self, task_id: UUID) -> None:
        await self.session.execute(update(tasks).where(tasks.c.id == task_id).values(idempotency_key=None))

    async def list(self, owner_id: UUID, status: Status | None, limit: int, cursor: str | None) -> Page[Task]:
        query = select(tasks).where(tasks.c.owner_id == owner_id)
        if status is not None:
            query = query.where(tasks.c.status == status.value)
        return await page(self.session, tasks, query, limit, cursor, to_task)

    async def claim(self, task_id: UUID, now: datetime, lease_until: datetime) -> Task | None:
        row = await one(self.session, _CLAIM_TASK, {"task_id": task_id, "now": now, "until": lease_until})
        return to_task(row) if row else None

    async def finish(self, task: Task, attempt: int) -> bool:
        outcome = {name: value for name, value in task_row(task).items() if name in _OUTCOME}
        # No .values(): the SET clause is the parameters' column names, and the statement is compiled once.
        found = await self.session.execute(_FINISH_TASK, {"task_id": task.id, "attempt": attempt, **outcome})
        return found.scalar_one_or_none() is not None

    async def renew(self, task_id: UUID, attempt: int, lease_until: datetime) -> bool:
        values = {"task_id": task_id, "attempt": attempt, "until": lease_until}
        return (await self.session.execute(_RENEW_TASK, values)).scalar_one_or_none() is not None

    async def stale(self, queued_before: datetime, now: datetime, limit: int) -> list[UUID]:
        last_touched = func.coalesce(tasks.c.updated_at, tasks.c.created_at, type_=UtcDateTime())
        queued_too_long = and_(tasks.c.status == QUEUED, last_touched < queued_before)
        lease_expired = and_(tasks.c.status == PROCESSING, tasks.c.lease_until < now)
        query = (
            select(tasks.c.id)
            .where(or_(queued_too_long, lease_expired))
            .order_by(tasks.c.created_at, tasks.c.id)
            .limit(limit)
        )
        return list((await self.session.scalars(query)).all())

    async def touch(self, task_ids: list[UUID], now: datetime) -> None:
        await self.session.execute(
            update(tasks).where(tasks.c.id.in_(task_ids), tasks.c.status == QUEUED).values(updated_at=now)
        )

    async def delete(self, task_id: UUID) -> None:
        await self.session.execute(delete(tasks).where(tasks.c.id == task_id))

    async def keep_idempotency_key(self, kept: KeptKey) -> None:
        table = kept_idempotency_keys
        await self.session.execute(delete(table).where(table.c.owner_id == kept.owner_id, table.c.key == kept.key))
        await write(self.session, insert(table).values(row_of(kept)))

    async def kept_idempotency_key(self, owner_id: UUID, key: str) -> KeptKey | None:
        table = kept_idempotency_keys
        row = await one(self.session, select(table).where(table.c.owner_id == owner_id, table.c.key == key))
        return KeptKey(**row) if row else None

    async def expired(self, created_before: datetime, limit: int) -> list[Task]:
        query = (
            select(tasks)
            .where(
                tasks.c.status.in_([Status.COMPLETED.value, Status.FAILED.value]),
                tasks.c.created_at < created_before,
                tasks.c.images_deleted_at.is_(None),
            )
            .order_by(tasks.c.created_at, tasks.c.id)
            .limit(limit)
        )
        return [to_task(row) for row in (await self.session.execute(query)).mappings().all()]

    async def mark_images_deleted(self, task_id: UUID, now: datetime) -> None:
        await self.session.execute(update(tasks).where(tasks.c.id == task_id).values(images_deleted_at=now))

    async def count_by_status(self) -> dict[Status, int]:
        rows = await self.session.execute(select(tasks.c.status, func.count()).group_by(tasks.c.status))
        counts = {Status(status): count for status, count in rows}
        return {status: counts.get(status, 0) for status in Status}
