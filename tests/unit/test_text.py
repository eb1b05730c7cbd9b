"""The domain's rule for text every database stores: no NUL, no lone surrogate, no non-finite number."""

from __future__ import annotations

import pytest

from domain.errors import ValidationFailed
from domain.text import check_json, check_text, printable_for_storage


@pytest.mark.parametrize("value", ["a\x00", "\ud800", "x\udfffy"])
def test_nul_and_lone_surrogates_are_refused_naming_the_field(value: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        check_text("title", value)
    assert raised.value.errors[0].field == "title"


@pytest.mark.parametrize("value", ["", "plain", "日本語", "emoji 😀", "tab\tand\nnewline"])
def test_ordinary_text_passes_unchanged(value: str) -> None:
    assert check_text("title", value) == value


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), {"k": [float("-inf")]}, {"\x00": 1}, [[["\ud800"]]], {"a": {"b": "\x00"}}]
)
def test_json_is_walked_keys_and_values(value: object) -> None:
    with pytest.raises(ValidationFailed):
        check_json("metadata", value)


def test_deep_json_is_walked_without_recursion() -> None:
    deep: object = "\x00"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ValidationFailed):
        check_json("metadata", deep)


def test_json_of_finite_numbers_and_clean_text_passes() -> None:
    value = {"a": [1, 2.5, -1e300, True, None], "b": {"c": "d"}}
    assert check_json("metadata", value) is value


def test_foreign_text_can_be_recorded_with_the_unstorable_replaced() -> None:
    assert printable_for_storage("pay\x00ment.\ud800") == "pay\ufffdment.\ufffd"
