"""SubmitTask: validate, then charge, store the upload and insert in one transaction, then enqueue."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from application.ports.blob_storage import BlobStorage
from application.ports.clock import Clock, IdGenerator
from application.ports.image_processor import ImageProcessor
from application.ports.metrics import Metrics
from application.ports.task_queue import TaskQueue
from application.use_cases.common import UowFactory
from application.use_cases.presets import preset_operations
from application.use_cases.webhooks.outbox import record_balance_drop
from domain.credits import Reason
from domain.errors import (
    DependencyUnavailable,
    DuplicateRecord,
    FieldError,
    IdempotencyKeyReused,
    InsufficientCredits,
    TransientFailure,
    ValidationFailed,
)
from domain.geometry import check_pipeline
from domain.memory_budget import check_memory
from domain.operations import DEFAULT_PIPELINE, Operation, parse_pipeline, to_dict
from domain.tasks import Task, check_metadata, check_title, source_key
from domain.values import ImageInfo

log = logging.getLogger(__name__)

IDEMPOTENCY_WINDOW = timedelta(hours=24)
IDEMPOTENCY_KEY_MAX = 255
DELETED_KEY = "the task this idempotency key made was deleted; send a new key to submit again"


@dataclass(frozen=True)
class SubmitTaskCommand:
    """Values, decoded by whoever took the request (the HTTP layer, the dashboard's form)."""

    owner_id: UUID
    title: str
    image: bytes
    metadata: dict[str, Any] | None = None  # the owner's own key/values
    operations: tuple[Operation, ...] | None = None  # None or empty: the default pipeline, or the preset's
    idempotency_key: str | None = None
    preset: str | None = None  # the name of one of the owner's presets, instead of operations


@dataclass(frozen=True)
class Submitted:
    task: Task
    replayed: bool


class SubmitTask:
    def __init__(
        self,
        uow: UowFactory,
        storage: BlobStorage,
        queue: TaskQueue,
        processor: ImageProcessor,
        clock: Clock,
        ids: IdGenerator,
        metrics: Metrics,
        cost: int,
        *,
        max_pixels: int,
        memory_bytes: int | None = None,
    ) -> None:
        self.uow = uow
        self.storage = storage
        self.queue = queue
        self.processor = processor
        self.clock = clock
        self.ids = ids
        self.metrics = metrics
        self.cost = cost
        self.max_pixels = max_pixels
        self.memory_bytes = memory_bytes  # what a worker can give one image; None: not judged here

    async def __call__(self, cmd: SubmitTaskCommand) -> Submitted:
        """Raises ValidationFailed, UnsupportedImage, InsufficientCredits, IdempotencyKeyReused, DependencyUnavailable."""
        title = check_title(cmd.title)
        metadata = check_metadata(cmd.metadata, encoded_size(cmd.metadata))
        operations = await self._operations(cmd.owner_id, cmd.operations, cmd.preset)
        key = _check_key(cmd.idempotency_key)
        info = self.processor.probe(cmd.image)  # header only: a full decode is the worker's job
        self._check(info, operations)
        fingerprint = _fingerprint(title, metadata, operations, cmd.image)

        if key and (replay := await self._replay(cmd.owner_id, key, fingerprint)):
            return Submitted(replay, replayed=True)
        now = self.clock.now()
        task_id = self.ids.new()
        task = Task.queued(
            task_id, cmd.owner_id, title, metadata, operations, info, source_key(task_id), now, key, fingerprint
        )
        stored = False
        try:
            async with self.uow() as uow:
                # One transaction: the conditional spend decides (a refusal stores nothing), then the upload is
                # written under the charge's row lock, then the task row; the commit makes all three true at once.
                charge = await uow.credits.spend(
                    cmd.owner_id, self.cost, Reason.TASK_CHARGE, self.ids.new(), now, task_id=task.id
                )
                stored = True  # from here a failure may have left a partial upload behind
                await self._store(task.source_key, cmd.image)
                await uow.tasks.add(task)
                after = charge.balance_after
                await record_balance_drop(uow, self.ids, now, cmd.owner_id, after + self.cost, after)
                await uow.commit()
        except BaseException as exc:
            if stored:
                await self.storage.delete(task.source_key)  # a failed commit leaves no orphan upload
            if isinstance(exc, DuplicateRecord) and key:
                if replay := await self._replay(cmd.owner_id, key, fingerprint):
                    return Submitted(replay, replayed=True)  # a concurrent twin won the race
            raise
        self.metrics.task_submitted()
        self.metrics.credits(Reason.TASK_CHARGE, self.cost)
        await self._enqueue(task.id)
        return Submitted(task, replayed=False)

    async def _operations(
        self, owner_id: UUID, operations: tuple[Operation, ...] | None, preset: str | None
    ) -> tuple[Operation, ...]:
        """The pipeline: the given operations (held to the domain's rules whoever built them), or the preset's."""
        if preset is None:
            return parse_pipeline([to_dict(op) for op in operations]) if operations else DEFAULT_PIPELINE
        if operations:
            raise ValidationFailed(FieldError("preset", "give a preset or operations, not both"))
        return await preset_operations(self.uow, owner_id, preset)

    def _check(self, info: ImageInfo, operations: tuple[Operation, ...]) -> None:
        """The pipeline's rules from the header: frames, crops, the pixel cap, then the memory a worker has."""
        check_pipeline(info, operations, self.max_pixels)
        if self.memory_bytes is not None:
            check_memory(info, operations, self.memory_bytes)

    async def _replay(self, owner_id: UUID, key: str, fingerprint: str) -> Task | None:
        async with self.uow() as uow:
            earlier = await uow.tasks.by_idempotency_key(owner_id, key)
            if earlier is None:
                kept = await uow.tasks.kept_idempotency_key(owner_id, key)
                if kept is None or kept.created_at < self.clock.now() - IDEMPOTENCY_WINDOW:
                    return None
                if kept.fingerprint != fingerprint:
                    raise IdempotencyKeyReused()
                raise IdempotencyKeyReused(DELETED_KEY)  # a retry of a deleted task: never charged twice
            if earlier.created_at < self.clock.now() - IDEMPOTENCY_WINDOW:
                await uow.tasks.forget_idempotency_key(earlier.id)
                await uow.commit()
                return None
        if earlier.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        return earlier

    async def _store(self, key: str, data: bytes) -> None:
        try:
            await self.storage.put(key, data)
        except TransientFailure as exc:
            raise DependencyUnavailable("the blob storage is unavailable") from exc

    async def _enqueue(self, task_id: UUID) -> None:
        try:
            await self.queue.enqueue(task_id)
        except DependencyUnavailable:
            # The task is charged and stored as queued: the sweeper enqueues it once the broker is back.
            log.warning("queue unavailable; task %s left for the sweeper", task_id)


def encoded_size(metadata: dict[str, Any] | None) -> int:
    """The metadata's size as compact UTF-8 JSON (the HTTP layer bounds the text the client sent, too)."""
    if not metadata:
        return 0
    compact = json.dumps(metadata, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
    return len(compact.encode("utf-8", "surrogatepass"))  # lone surrogates are refused by check_metadata


def _check_key(key: str | None, longest: int = IDEMPOTENCY_KEY_MAX) -> str | None:
    if key is None:
        return None
    if not 1 <= len(key) <= longest or not key.isprintable():
        raise ValidationFailed(FieldError("idempotency_key", f"must be 1 to {longest} printable characters"))
    return key


def _fingerprint(title: str, metadata: dict[str, object], operations: tuple[Operation, ...], image: bytes) -> str:
    """What makes two submissions 'the same request' for an idempotency key."""
    fields = json.dumps(
        {"title": title, "metadata": metadata, "operations": [to_dict(op) for op in operations]},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(fields.encode() + b"\0" + hashlib.sha256(image).digest()).hexdigest()
