"""The memory a pipeline needs at its peak, predicted from the source header, so that a worker admits only
what fits its budget and a pipeline that could never fit is refused at submission.

The model (calibrated against ru_maxrss on 12 and 49 megapixel sources, see bench/memory.py): the compressed
source twice (the upload and the decoder's buffer), a fixed overhead, the decoded source held until the pipeline ends, then the
largest of each operation's input + output (+ a scratch copy for filters) and the encoder's needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from domain.errors import FieldError, ValidationFailed
from domain.formats import kept_frames, result_format
from domain.operations import Format, Operation
from domain.pixel_budget import pipeline_shapes
from domain.shapes import Shape, decoded
from domain.values import ImageInfo

MB = 1024 * 1024
# What one pixel process holds before any image: the interpreter, Pillow and its codecs (measured: 32-38 MB).
PROCESS_BASELINE_MB = 40
# Full-size scratch images an operation allocates beside its input and output (by `op`); others need none.
EXTRA_COPIES = {"blur": 1, "sharpen": 1}
RESAMPLING = ("resize", "thumbnail")  # they hold a half-resampled image too (see _resampling)
# Encoder working memory per result pixel: libwebp and libavif convert to their own planes and buffers.
ENCODER_BYTES_PER_PIXEL = {"WEBP": 20, "AVIF": 28}
# Allocator slack, codec tables and buffers of any run, whatever its size (measured: up to 5 MB).
RUN_OVERHEAD = 8 * MB
DEFAULT_ENCODER_BYTES_PER_PIXEL = 2  # JPEG, PNG, GIF: the compressed output at worst, copied once


def working_set(info: ImageInfo, operations: Sequence[Operation]) -> tuple[int, str]:
    """Predicted peak bytes of one run, and the field (`image` or `operations[i]`) most to blame for it."""
    frames = kept_frames(info.format, info.frames, operations)
    shapes = pipeline_shapes(decoded(info.width, info.height, info.mode, frames), operations)
    source = (shapes[0].bytes, "image")  # held until the pipeline ends
    stages = [[source]]
    for index, operation in enumerate(operations):
        made = shapes[index + 1].bytes * (1 + EXTRA_COPIES.get(operation.op, 0)) + _resampling(shapes, index, operation)
        given = [] if index == 0 else [(shapes[index].bytes, f"operations[{index - 1}]")]
        stages.append([source, *given, (made, f"operations[{index}]")])
    result = shapes[-1]
    encoder = ENCODER_BYTES_PER_PIXEL.get(result_format(info.format, frames, operations), DEFAULT_ENCODER_BYTES_PER_PIXEL)
    made_result = [(result.bytes, f"operations[{len(operations) - 1}]")] if operations else []
    stages.append([source, *made_result, (result.pixels * encoder, _encoding_field(operations))])
    peak = max(stages, key=lambda stage: sum(size for size, _ in stage))
    return RUN_OVERHEAD + 2 * info.bytes + sum(size for size, _ in peak), max(peak)[1]


def pixel_memory(worker_memory_mb: int, processes: int) -> int:
    """Bytes a worker can give to images: its budget less each pixel process's own baseline (at least 1 MB)."""
    return max(1, worker_memory_mb - processes * PROCESS_BASELINE_MB) * MB


def check_memory(info: ImageInfo, operations: Sequence[Operation], budget_bytes: int) -> int:
    """The predicted peak; raises ValidationFailed naming where it falls when it alone is over the budget."""
    needed, where = working_set(info, operations)
    if needed > budget_bytes:
        message = f"needs about {needed / MB:,.0f} MB of memory to process, more than a worker has ({budget_bytes / MB:,.0f} MB)"
        raise ValidationFailed(FieldError(where, message))
    return needed


def _resampling(shapes: list[Shape], index: int, operation: Operation) -> int:
    """A resize resamples one axis, then the other: between them it holds an image of the new width and the old
    height (measured: 6986×5239 into 6000×4500 peaked 60 MB above input + output)."""
    if operation.op not in RESAMPLING:
        return 0
    given, made = shapes[index], shapes[index + 1]
    if (given.width, given.height) == (made.width, made.height):
        return 0
    return replace(made, height=given.height).bytes


def _encoding_field(operations: Sequence[Operation]) -> str:
    formats = [index for index, operation in enumerate(operations) if isinstance(operation, Format)]
    if formats:
        return f"operations[{formats[-1]}]"
    return f"operations[{len(operations) - 1}]" if operations else "image"
