"""The HTTP layer decodes a submission's text fields into values, with the contract's field names in its errors."""

from __future__ import annotations

import json

import pytest

from domain.errors import ValidationFailed
from domain.operations import Grayscale, Resize, Rotate
from entrypoints.http.task_fields import idempotency_key_of, metadata_of, operations_of


def fields_of(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [error.field for error in exc.value.errors]


@pytest.mark.parametrize("text", [None, "", "  ", "[]"])
def test_absent_or_empty_operations_are_none(text: str | None) -> None:
    assert operations_of(text) is None


def test_operations_become_the_domains_values_in_order() -> None:
    text = json.dumps([{"op": "rotate", "degrees": 90}, {"op": "resize", "width": 10, "height": 20}])
    assert operations_of(text) == (Rotate(90), Resize(10, 20))


def test_one_part_per_operation_is_read_as_the_array_of_them() -> None:
    parts = [json.dumps({"op": "grayscale"}), json.dumps({"op": "rotate", "degrees": 90})]
    assert operations_of(parts) == (Grayscale(), Rotate(90))


def test_every_bad_operation_is_named_by_its_place() -> None:
    text = json.dumps([{"op": "grayscale"}, {"op": "resize", "width": 0, "height": 8193}, {"op": "explode"}])
    with pytest.raises(ValidationFailed) as exc:
        operations_of(text)
    assert fields_of(exc) == ["operations[1].width", "operations[1].height", "operations[2].op"]


@pytest.mark.parametrize(("text", "field"), [("[{", "operations"), ("[" * 5000 + "]" * 5000, "operations")])
def test_operations_that_are_not_json_name_the_field(text: str, field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        operations_of(text)
    assert fields_of(exc) == [field]


def test_a_part_that_is_not_json_is_named_by_its_place() -> None:
    with pytest.raises(ValidationFailed) as exc:
        operations_of([json.dumps({"op": "grayscale"}), "{oops"])
    assert fields_of(exc) == ["operations[1]"]


def test_metadata_becomes_a_dict_and_blank_is_empty() -> None:
    assert metadata_of('{"album": "x"}') == {"album": "x"}
    assert metadata_of("  ") == {}
    assert metadata_of(None) is None


def test_the_metadata_bound_is_on_the_text_the_client_sent() -> None:
    padded = '{"k": "v"' + " " * 16 * 1024 + "}"  # small as a value, over 16 KiB as sent
    with pytest.raises(ValidationFailed) as exc:
        metadata_of(padded)
    assert fields_of(exc) == ["metadata"]


@pytest.mark.parametrize("text", ["[1]", "{not json", '"text"'])
def test_metadata_that_is_no_json_object_is_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        metadata_of(text)
    assert fields_of(exc) == ["metadata"]


@pytest.mark.parametrize(("header", "longest"), [("", 255), ("k" * 256, 255), ("a\nb", 255), ("k" * 251, 250)])
def test_a_bad_idempotency_key_names_the_header(header: str, longest: int) -> None:
    with pytest.raises(ValidationFailed) as exc:
        idempotency_key_of(header, longest)
    assert fields_of(exc) == ["Idempotency-Key"]


def test_an_idempotency_key_is_passed_on_as_it_came() -> None:
    assert idempotency_key_of("k-1") == "k-1"
    assert idempotency_key_of(None) is None
