"""The files of an upload form: the `image` parts that carry a file, at most MAX_BATCH of them, and the batch
they make."""

from __future__ import annotations

from uuid import UUID

from litestar.datastructures import FormMultiDict, UploadFile

from application.use_cases.submit_batch import MAX_BATCH, SubmitBatchCommand
from domain.errors import FieldError, ValidationFailed
from entrypoints.http.dashboard.forms import UploadForm
from entrypoints.http.task_fields import BATCH_IDEMPOTENCY_KEY_MAX, idempotency_key_of


def chosen_images(form: FormMultiDict) -> list[UploadFile]:
    """The chosen files in form order; raises ValidationFailed for none or more than MAX_BATCH (before any is read)."""
    images = [part for part in form.getall("image", []) if isinstance(part, UploadFile) and part.filename]
    if not images:
        raise ValidationFailed(FieldError("image", "choose an image to upload"))
    if len(images) > MAX_BATCH:
        raise ValidationFailed(FieldError("image", f"at most {MAX_BATCH} images at once; you chose {len(images)}"))
    return images


async def close_all(images: list[UploadFile]) -> None:
    for image in images:
        await image.close()


async def batch_command(
    owner_id: UUID, fields: UploadForm, images: list[UploadFile], key: str | None
) -> SubmitBatchCommand:
    """Every chosen file, read, with the form's title, metadata and pipeline; `key` makes a double click charge once."""
    return SubmitBatchCommand(
        owner_id=owner_id,
        title=fields.title,
        images=[await image.read() for image in images],
        metadata=fields.metadata_value(),
        operations=fields.pipeline(),
        idempotency_key=idempotency_key_of(key, BATCH_IDEMPOTENCY_KEY_MAX),
    )
