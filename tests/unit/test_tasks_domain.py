"""The task status machine: queued → processing → completed | failed, and a lease that can run out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.errors import InvalidTransition, ValidationFailed
from domain.operations import DEFAULT_PIPELINE
from domain.tasks import METADATA_MAX_BYTES, Status, Task, check_metadata, check_title, result_key, source_key
from domain.values import ImageInfo

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LEASE = timedelta(seconds=60)
SOURCE = ImageInfo("JPEG", 32, 24, "RGB", 500)
RESULT = ImageInfo("JPEG", 32, 24, "L", 300)


def make_task() -> Task:
    task_id = UUID(int=1)
    return Task(
        id=task_id,
        owner_id=UUID(int=2),
        title="t",
        metadata={},
        operations=DEFAULT_PIPELINE,
        source=SOURCE,
        source_key=source_key(task_id),
        created_at=NOW,
    )


def claimed(at: datetime = NOW) -> Task:
    task = make_task()
    task.claim(at, at + LEASE)
    return task


def test_a_new_task_is_queued_and_untried() -> None:
    task = make_task()
    assert (task.status, task.attempts, task.started_at, task.result) == (Status.QUEUED, 0, None, None)


def test_claiming_a_queued_task_starts_an_attempt_with_a_lease() -> None:
    task = claimed()
    assert task.status is Status.PROCESSING
    assert task.attempts == 1
    assert task.lease_until == NOW + LEASE
    assert task.started_at == NOW


def test_a_task_held_under_a_live_lease_cannot_be_claimed_again() -> None:
    task = claimed()
    with pytest.raises(InvalidTransition):
        task.claim(NOW + LEASE, NOW + 2 * LEASE)  # the lease ends *after* its last instant
    assert task.attempts == 1


def test_a_task_whose_lease_ran_out_can_be_reclaimed() -> None:
    task = claimed()
    later = NOW + LEASE + timedelta(seconds=1)
    task.claim(later, later + LEASE)
    assert task.status is Status.PROCESSING
    assert task.attempts == 2
    assert task.lease_until == later + LEASE
    assert task.started_at == NOW  # the first start is kept


def test_completing_a_processing_task_records_the_result() -> None:
    task = claimed()
    task.complete(RESULT, result_key(task.id), NOW + timedelta(seconds=2))
    assert task.status is Status.COMPLETED
    assert task.result == RESULT
    assert task.result_key == f"results/{task.id}"
    assert task.finished_at == NOW + timedelta(seconds=2)
    assert task.lease_until is None


def test_failing_a_processing_task_says_why() -> None:
    task = claimed()
    task.fail("the image is damaged", NOW)
    assert (task.status, task.error, task.result) == (Status.FAILED, "the image is damaged", None)
    assert task.lease_until is None


def test_a_queued_task_cannot_finish() -> None:
    task = make_task()
    with pytest.raises(InvalidTransition):
        task.complete(RESULT, "k", NOW)
    with pytest.raises(InvalidTransition):
        task.fail("no", NOW)
    assert task.status is Status.QUEUED


@pytest.mark.parametrize("finish", ["complete", "fail"])
def test_a_finished_task_never_moves_again(finish: str) -> None:
    task = claimed()
    if finish == "complete":
        task.complete(RESULT, "k", NOW)
    else:
        task.fail("broken", NOW)
    status = task.status
    far_later = NOW + timedelta(days=1)
    with pytest.raises(InvalidTransition):
        task.claim(far_later, far_later + LEASE)
    with pytest.raises(InvalidTransition):
        task.complete(RESULT, "k", NOW)
    with pytest.raises(InvalidTransition):
        task.fail("again", NOW)
    assert task.status is status
    assert status.terminal


def test_only_completed_and_failed_are_terminal() -> None:
    assert {status for status in Status if status.terminal} == {Status.COMPLETED, Status.FAILED}


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_title_has_one_to_two_hundred_characters(title: str) -> None:
    with pytest.raises(ValidationFailed):
        check_title(title)


def test_a_title_is_trimmed() -> None:
    assert check_title("  sunset  ") == "sunset"
    assert check_title("x" * 200) == "x" * 200


def test_metadata_is_a_json_object_of_at_most_16_kib() -> None:
    assert check_metadata(None, 0) == {}
    assert check_metadata({"a": 1}, METADATA_MAX_BYTES) == {"a": 1}
    with pytest.raises(ValidationFailed):
        check_metadata({"a": 1}, METADATA_MAX_BYTES + 1)
    with pytest.raises(ValidationFailed):
        check_metadata([1, 2], 5)


def test_storage_keys_come_from_the_task_id_never_from_the_client() -> None:
    task_id = UUID(int=7)
    assert source_key(task_id) == f"sources/{task_id}"
    assert result_key(task_id) == f"results/{task_id}"
