"""The memory budget: each pipeline's predicted peak, the refusal of what can never fit, and admission by bytes."""

from __future__ import annotations

import asyncio

import pytest

from application.memory_admission import MemoryAdmission
from domain.errors import PermanentFailure, ValidationFailed
from domain.memory_budget import MB, PROCESS_BASELINE_MB, RUN_OVERHEAD, check_memory, pixel_memory, working_set
from domain.operations import Blur, Flip, Format, Grayscale, Resize, Rotate, Thumbnail
from domain.values import ImageInfo

PHOTO = ImageInfo("JPEG", 4000, 3000, "RGB", 5_000_000)


def needed(*operations, info: ImageInfo = PHOTO) -> int:
    return working_set(info, operations)[0]


def test_the_default_pipeline_needs_little_more_than_the_decoded_source() -> None:
    assert needed(Resize(1024, 1024), Grayscale()) < 4000 * 3000 * 4 + 40 * MB


def test_operations_that_grow_the_image_or_need_scratch_need_more() -> None:
    flip = needed(Flip("horizontal"))
    assert needed(Rotate(45)) > flip
    assert needed(Blur(5)) > flip
    assert needed(Resize(6000, 6000, "fill")) > needed(Rotate(45))


def test_webp_and_avif_encoders_need_far_more_than_jpeg() -> None:
    assert needed(Format("jpeg")) < needed(Format("webp")) < needed(Format("avif"))


def test_an_animation_needs_memory_for_every_frame() -> None:
    still = ImageInfo("GIF", 500, 500, "P", 100_000)
    animated = ImageInfo("GIF", 500, 500, "P", 100_000, frames=10)
    still_images = needed(Flip("vertical"), info=still) - RUN_OVERHEAD
    assert needed(Flip("vertical"), info=animated) - RUN_OVERHEAD > 9 * still_images


def test_the_peak_is_named_where_it_falls() -> None:
    assert working_set(PHOTO, (Rotate(45), Thumbnail(100)))[1] == "operations[0]"
    assert working_set(PHOTO, (Thumbnail(100), Grayscale(), Format("webp")))[1] == "image"
    assert working_set(PHOTO, (Flip("vertical"), Format("avif"), Grayscale()))[1] == "operations[1]"


def test_a_pipeline_exactly_at_the_budget_is_accepted_and_one_byte_less_refuses_it() -> None:
    peak = needed(Rotate(45))
    assert check_memory(PHOTO, (Rotate(45),), peak) == peak
    with pytest.raises(ValidationFailed) as exc:
        check_memory(PHOTO, (Rotate(45),), peak - 1)
    [error] = exc.value.errors
    assert error.field == "operations[0]"
    assert "MB of memory" in error.message


def test_the_images_get_the_budget_less_each_processs_own_baseline() -> None:
    assert pixel_memory(384, 1) == (384 - PROCESS_BASELINE_MB) * MB
    assert pixel_memory(384, 2) == (384 - 2 * PROCESS_BASELINE_MB) * MB
    assert pixel_memory(10, 4) == MB  # never nothing: a misconfiguration shows as refusals, not a hang


async def test_admission_runs_jobs_together_while_they_fit_and_holds_the_next_until_memory_frees() -> None:
    admission = MemoryAdmission(100)
    first, second = admission.hold(60), admission.hold(40)
    await first.__aenter__()
    await second.__aenter__()
    waiting = admission.hold(50)  # kept: a dropped generator would release its bytes
    third = asyncio.create_task(waiting.__aenter__())
    await asyncio.sleep(0)
    assert not third.done() and admission.held == 100

    await first.__aexit__(None, None, None)
    await asyncio.wait_for(third, 5)
    assert admission.held == 90


async def test_admission_is_first_come_first_served() -> None:
    admission = MemoryAdmission(100)
    order: list[str] = []

    async def job(name: str, size: int, gate: asyncio.Event) -> None:
        async with admission.hold(size):
            order.append(name)
            await gate.wait()

    gate = asyncio.Event()
    big_holder = asyncio.create_task(job("first", 80, gate))
    await asyncio.sleep(0)
    waiting_big = asyncio.create_task(job("big", 90, gate))
    await asyncio.sleep(0)
    small = asyncio.create_task(job("small", 10, gate))  # would fit now, but the big one came first
    await asyncio.sleep(0)
    assert order == ["first"]
    gate.set()
    await asyncio.wait_for(asyncio.gather(big_holder, waiting_big, small), 5)
    assert order == ["first", "big", "small"]


async def test_a_job_that_can_never_fit_is_refused_at_once_in_words() -> None:
    with pytest.raises(PermanentFailure, match=r"needs about 2 MB of memory .* budget of 1 MB"):
        async with MemoryAdmission(MB).hold(2 * MB):
            pass


def test_a_resize_holds_the_half_resampled_image_between_its_two_passes() -> None:
    # 4000×3000 into 6000×4500: input 46 MB, output 103 MB, and 6000×3000 in between (69 MB).
    held = (4000 * 3000 + 6000 * 4500 + 6000 * 3000) * 4
    assert needed(Resize(6000, 4500, "fill")) == RUN_OVERHEAD + 2 * PHOTO.bytes + held
