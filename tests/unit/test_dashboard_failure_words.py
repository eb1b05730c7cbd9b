"""A failed task's reason, told on its page in words a person can act on."""

from __future__ import annotations

import pytest

from entrypoints.http.dashboard.views import failure


def test_a_task_whose_workers_kept_dying_is_explained_with_what_to_try() -> None:
    words = failure("gave up after 3 attempts: each one stopped before finishing (the worker died)")

    assert words.startswith("Processing stopped 3 times before it could finish")
    assert "Try a smaller image" in words


def test_a_task_over_the_time_limit_names_the_limit() -> None:
    assert "longer than the 120-second limit" in failure("processing took longer than 120 s")


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("the uploaded image is missing from storage", "could no longer be found"),
        ("storage kept failing: timeout", "try again in a few minutes"),
        (None, "No reason was recorded."),
        ("cannot identify image file", "Cannot identify image file."),
    ],
)
def test_other_reasons_read_as_a_sentence(reason: str | None, words: str) -> None:
    assert words in failure(reason)
