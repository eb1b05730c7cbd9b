"""SubmitBatch: 1 to 20 images with shared fields, all or nothing: N credits in one transaction, or none."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.use_cases.submit_task import IDEMPOTENCY_WINDOW, SubmitTask, _check_key, _fingerprint, encoded_size
from application.use_cases.webhooks.outbox import record_balance_drop
from domain.credits import Reason
from domain.errors import (
    DuplicateRecord,
    FieldError,
    IdempotencyKeyReused,
    InsufficientCredits,
    UnsupportedImage,
    ValidationFailed,
)
from domain.operations import Operation
from domain.tasks import TITLE_MAX, Task, check_metadata, check_title, source_key
from domain.values import ImageInfo

MAX_BATCH = 20
# Each task of a batch keeps "<key>#<index>"; the suffix must still fit the column.
BATCH_KEY_MAX = 250


@dataclass(frozen=True)
class SubmitBatchCommand:
    """Values, as SubmitTaskCommand's, with 1 to 20 images."""

    owner_id: UUID
    title: str
    images: list[bytes]
    metadata: dict[str, Any] | None = None
    operations: tuple[Operation, ...] | None = None  # None or empty: the default pipeline, or the preset's
    idempotency_key: str | None = None
    preset: str | None = None


class SubmitBatch(SubmitTask):
    """The same dependencies and rules as SubmitTask, applied to every file before anything is charged."""

    async def __call__(self, cmd: SubmitBatchCommand) -> list[Task]:  # type: ignore[override]
        """Tasks in file order. Raises ValidationFailed/UnsupportedImage naming image[i], InsufficientCredits, …"""
        count = len(cmd.images)
        if not 1 <= count <= MAX_BATCH:
            raise ValidationFailed(FieldError("image", f"send 1 to {MAX_BATCH} files"))
        prefix = check_title(cmd.title)
        metadata = check_metadata(cmd.metadata, encoded_size(cmd.metadata))
        operations = await self._operations(cmd.owner_id, cmd.operations, cmd.preset)
        key = _check_key(cmd.idempotency_key, BATCH_KEY_MAX)
        infos = [self._probe(index, image, operations) for index, image in enumerate(cmd.images)]
        titles = [_item_title(prefix, index) for index in range(count)]
        fingerprint = hashlib.sha256(
            b"".join(_fingerprint(t, metadata, operations, image).encode() for t, image in zip(titles, cmd.images))
        ).hexdigest()

        if key and (replay := await self._replay_batch(cmd.owner_id, key, fingerprint, count)):
            return replay
        async with self.uow() as uow:
            if await uow.credits.balance(cmd.owner_id) < self.cost * count:
                raise InsufficientCredits(f"this batch needs {self.cost * count} credits")  # before any upload

        now = self.clock.now()
        tasks = []
        for index, (info, title) in enumerate(zip(infos, titles)):
            task_id = self.ids.new()
            tasks.append(
                Task.queued(
                    task_id, cmd.owner_id, title, metadata, operations, info, source_key(task_id), now,
                    idempotency_key=f"{key}#{index}" if key else None, fingerprint=fingerprint if key else None,
                )  # fmt: skip
            )
        stored: list[str] = []
        try:
            for task, image in zip(tasks, cmd.images):
                await self._store(task.source_key, image)
                stored.append(task.source_key)
            async with self.uow() as uow:
                for task in tasks:  # a short balance fails one spend, and the whole transaction rolls back
                    charge = await uow.credits.spend(
                        cmd.owner_id, self.cost, Reason.TASK_CHARGE, self.ids.new(), now, task_id=task.id
                    )
                    await uow.tasks.add(task)
                after = charge.balance_after
                await record_balance_drop(uow, self.ids, now, cmd.owner_id, after + self.cost * count, after)
                await uow.commit()
        except BaseException as exc:
            for blob in stored:
                await self.storage.delete(blob)  # nothing charged, nothing left behind
            if isinstance(exc, InsufficientCredits):
                raise InsufficientCredits(f"this batch needs {self.cost * count} credits") from exc
            if isinstance(exc, DuplicateRecord) and key:
                if replay := await self._replay_batch(cmd.owner_id, key, fingerprint, count):
                    return replay  # a concurrent twin won the race
            raise
        for _ in tasks:
            self.metrics.task_submitted()
        self.metrics.credits(Reason.TASK_CHARGE, self.cost * count)
        for task in tasks:
            await self._enqueue(task.id)
        return tasks

    def _probe(self, index: int, image: bytes, operations: tuple[Operation, ...]) -> ImageInfo:
        field = f"image[{index}]"
        try:
            info = self.processor.probe(image)
            self._check(info, operations)
        except UnsupportedImage as exc:
            raise UnsupportedImage(f"{field}: {exc.detail}", [FieldError(field, exc.detail)]) from exc
        except ValidationFailed as exc:
            raise ValidationFailed([FieldError(field, f"{e.field}: {e.message}") for e in exc.errors]) from exc
        return info

    async def _replay_batch(self, owner_id: UUID, key: str, fingerprint: str, count: int) -> list[Task] | None:
        async with self.uow() as uow:
            earlier = [await uow.tasks.by_idempotency_key(owner_id, f"{key}#{i}") for i in range(count)]
            first = earlier[0]
            if first is None:
                return None
            if first.created_at < self.clock.now() - IDEMPOTENCY_WINDOW:
                for task in earlier:
                    if task is not None:
                        await uow.tasks.forget_idempotency_key(task.id)
                await uow.commit()
                return None
        if first.fingerprint != fingerprint or any(task is None for task in earlier):
            raise IdempotencyKeyReused()
        return [task for task in earlier if task is not None]


def _item_title(prefix: str, index: int) -> str:
    suffix = f" {index + 1}"
    return prefix[: TITLE_MAX - len(suffix)] + suffix
