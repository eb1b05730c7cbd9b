"""Tasks and their status machine: queued → processing → completed | failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.errors import FieldError, InvalidTransition, ValidationFailed
from domain.operations import Operation
from domain.text import check_json, check_text
from domain.values import ImageInfo

TITLE_MAX = 200
METADATA_MAX_BYTES = 16 * 1024


class Status(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (Status.COMPLETED, Status.FAILED)


@dataclass
class Task:
    id: UUID
    owner_id: UUID
    title: str
    metadata: dict[str, Any]
    operations: tuple[Operation, ...]
    source: ImageInfo
    source_key: str
    created_at: datetime
    status: Status = Status.QUEUED
    result: ImageInfo | None = None
    result_key: str | None = None
    error: str | None = None
    attempts: int = 0
    lease_until: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime | None = None
    idempotency_key: str | None = None
    fingerprint: str | None = None
    images_deleted_at: datetime | None = None  # the retention period ended: the row stays, the images are gone

    @classmethod
    def queued(
        cls,
        id: UUID,
        owner_id: UUID,
        title: str,
        metadata: dict[str, Any],
        operations: tuple[Operation, ...],
        source: ImageInfo,
        source_key: str,
        now: datetime,
        idempotency_key: str | None = None,
        fingerprint: str | None = None,
    ) -> Task:
        """A task as a submission creates it: queued, charged in the same transaction, not yet attempted."""
        return cls(id=id, owner_id=owner_id, title=title, metadata=metadata, operations=operations, source=source,
                   source_key=source_key, created_at=now, updated_at=now, idempotency_key=idempotency_key,
                   fingerprint=fingerprint)  # fmt: skip

    def claim(self, now: datetime, lease_until: datetime) -> None:
        """Take the task for one attempt: from queued, or from processing whose lease ran out."""
        lease_expired = self.status is Status.PROCESSING and self.lease_until is not None and self.lease_until < now
        if self.status is not Status.QUEUED and not lease_expired:
            raise InvalidTransition(f"cannot claim a {self.status} task")
        self.status = Status.PROCESSING
        self.attempts += 1
        self.lease_until = lease_until
        self.started_at = self.started_at or now
        self.updated_at = now

    def complete(self, result: ImageInfo, result_key: str, now: datetime) -> None:
        self._require_processing()
        self.status = Status.COMPLETED
        self.result = result
        self.result_key = result_key
        self.error = None
        self.lease_until = None
        self.finished_at = now
        self.updated_at = now

    def fail(self, error: str, now: datetime) -> None:
        self._require_processing()
        self.status = Status.FAILED
        self.error = error
        self.lease_until = None
        self.finished_at = now
        self.updated_at = now

    def give_up(self, max_attempts: int, now: datetime) -> None:
        """Fail a task claimed once more after `max_attempts` that each died mid-way: this claim starts no attempt,
        so it is not counted."""
        self.fail(f"gave up after {max_attempts} attempts: each one stopped before finishing (the worker died)", now)
        self.attempts = max_attempts

    def _require_processing(self) -> None:
        if self.status is not Status.PROCESSING:
            raise InvalidTransition(f"a {self.status} task cannot finish")


@dataclass(frozen=True)
class KeptKey:
    """A deleted task's Idempotency-Key, kept for the rest of its window so that a retry is not charged again."""

    owner_id: UUID
    key: str
    fingerprint: str
    task_id: UUID
    created_at: datetime  # the task's: the window runs from the first submission


def check_title(title: str) -> str:
    title = check_text("title", title).strip()
    if not 1 <= len(title) <= TITLE_MAX:
        raise ValidationFailed(FieldError("title", f"must have 1 to {TITLE_MAX} characters"))
    return title


def check_metadata(raw: object, encoded_size: int) -> dict[str, Any]:
    """The user's own key/values: a JSON object of at most 16 KiB."""
    if encoded_size > METADATA_MAX_BYTES:
        raise ValidationFailed(FieldError("metadata", f"must be at most {METADATA_MAX_BYTES} bytes"))
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValidationFailed(FieldError("metadata", "must be a JSON object"))
    check_json("metadata", raw)
    return raw


def source_key(task_id: UUID) -> str:
    """Storage keys are chosen by the server, never from a client's file name."""
    return f"sources/{task_id}"


def result_key(task_id: UUID) -> str:
    return f"results/{task_id}"


PREVIEW_SIDE = 320  # the preview's longest side, for lists


def preview_size(width: int, height: int) -> tuple[int, int]:
    """The preview's size: the image's aspect with its longest side 320, so every list shows the same scale."""
    scale = PREVIEW_SIDE / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def preview_key(task_id: UUID) -> str:
    """A small WebP of the result, made in the same attempt: its key follows from the id, so no column holds it."""
    return f"previews/{task_id}"
