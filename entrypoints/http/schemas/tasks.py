"""Task form, answers and pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Optional, Union
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

from domain.operations import to_dict
from domain.tasks import Task
from domain.values import ImageInfo, Page
from entrypoints.http.schemas.json_text import JsonOf
from entrypoints.http.schemas.operations import OperationIn

# Text on the wire, decoded by the HTTP layer (task_fields.py); the OpenAPI document shows the JSON they hold.
MetadataText = Annotated[
    Optional[str], JsonOf(dict[str, Any], "Your own key/values: a JSON object of at most 16 KiB")
]
OperationsText = Annotated[
    Optional[Union[str, list[str]]],  # not `|`: see json_text.py
    JsonOf(
        list[OperationIn],
        "At most 10 operations, run in order: one part holding a JSON array, or one part per operation (a JSON "
        "object). Absent or empty: the default pipeline, or the preset's.",
    ),
]


@dataclass
class TaskForm:
    """multipart/form-data of POST /api/v1/tasks."""

    image: UploadFile
    title: str
    metadata: MetadataText = None
    operations: OperationsText = None
    preset: str | None = None  # the name of one of your presets, instead of operations


@dataclass
class BatchForm:
    """multipart/form-data of POST /api/v1/tasks/batch: 1 to 20 `image` parts."""

    image: list[UploadFile]
    title: str
    metadata: MetadataText = None
    operations: OperationsText = None
    preset: str | None = None  # the name of one of your presets, instead of operations


class ImageInfoOut(msgspec.Struct, omit_defaults=True):
    format: str
    width: int
    height: int
    mode: str
    bytes: int
    frames: int = 1  # shown only for an animation

    @classmethod
    def of(cls, info: ImageInfo) -> ImageInfoOut:
        return cls(info.format, info.width, info.height, info.mode, info.bytes, info.frames)


class TaskOut(msgspec.Struct):
    id: UUID
    title: str
    status: str
    metadata: dict[str, Any]
    operations: list[dict[str, Any]]
    source: ImageInfoOut
    result: ImageInfoOut | None
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    images_deleted_at: datetime | None = None  # set when the retention period ended: the images are gone

    @classmethod
    def of(cls, task: Task) -> TaskOut:
        return cls(
            id=task.id,
            title=task.title,
            status=str(task.status),
            metadata=task.metadata,
            operations=[to_dict(op) for op in task.operations],
            source=ImageInfoOut.of(task.source),
            result=ImageInfoOut.of(task.result) if task.result else None,
            error=task.error,
            attempts=task.attempts,
            created_at=task.created_at,
            started_at=task.started_at,
            finished_at=task.finished_at,
            images_deleted_at=task.images_deleted_at,
        )


class TaskPage(msgspec.Struct):
    items: list[TaskOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[Task]) -> TaskPage:
        return cls([TaskOut.of(t) for t in page.items], page.next_cursor)


class TaskBatchOut(msgspec.Struct):
    items: list[TaskOut]

