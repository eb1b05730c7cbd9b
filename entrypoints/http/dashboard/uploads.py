"""The files of an upload form: the `image` parts that carry a file, at most MAX_BATCH of them."""

from __future__ import annotations

from litestar.datastructures import FormMultiDict, UploadFile

from application.use_cases.submit_batch import MAX_BATCH
from domain.errors import FieldError, ValidationFailed


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
