"""The upload form is read in one pass with bounded rows: 16,000 operation fields used to block the server 33 s."""

from __future__ import annotations

import time
from urllib.parse import urlencode
from collections.abc import AsyncIterator

import pytest

from entrypoints.http.dashboard.forms import MAX_METADATA_ROWS
from tests.e2e.dashboard_client import Site, Visitor, dashboard, text_of

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def visitor() -> AsyncIterator[Visitor]:
    site: Site
    async with dashboard() as site:
        yield await site.visitor().sign_up()


async def post_fields(visitor: Visitor, fields: list[tuple[str, str]]) -> tuple[int, str, float]:
    started = time.monotonic()
    body = urlencode([("csrf_token", visitor.csrf), *fields])
    response = await visitor.http.post("/upload", content=body, headers={"content-type": FORM})
    return response.status_code, text_of(response), time.monotonic() - started


async def test_sixteen_thousand_operation_fields_are_refused_quickly_with_the_forms_error(visitor: Visitor) -> None:
    fields = [(f"ops-{i}-op", "grayscale") for i in range(16_000)]

    status, text, seconds = await post_fields(visitor, [("title", "t"), *fields])

    assert status == 422
    assert "too many" in text or "more than" in text
    assert seconds < 5, f"{seconds:.1f} s to refuse the form"  # it took 33 s when each row rescanned every field
    assert await visitor.balance() == 10


async def test_a_row_number_of_five_thousand_digits_is_the_forms_error_not_a_500(visitor: Visitor) -> None:
    status, text, _ = await post_fields(visitor, [("title", "t"), ("ops-" + "9" * 5000 + "-op", "grayscale")])

    assert status == 422
    assert "operation row is malformed" in text


async def test_eleven_operations_are_refused_before_anything_is_charged(visitor: Visitor) -> None:
    fields = [(f"ops-{i}-op", "grayscale") for i in range(11)]
    response = await visitor.upload(**dict(fields))

    assert response.status_code == 422
    assert "at most 10 operations" in text_of(response)
    assert await visitor.balance() == 10


async def test_more_metadata_rows_than_the_cap_are_refused(visitor: Visitor) -> None:
    rows = [(name, f"{name[5:]}{i}") for i in range(MAX_METADATA_ROWS + 1) for name in ("meta_key", "meta_value")]

    status, text, _ = await post_fields(visitor, [("title", "t"), *rows])

    assert status == 422
    assert f"at most {MAX_METADATA_ROWS} rows" in text
    assert await visitor.balance() == 10


async def test_ten_operations_and_fifty_metadata_rows_are_still_accepted(visitor: Visitor) -> None:
    rows = {f"ops-{i}-op": "grayscale" for i in range(10)}
    keys = [f"k{i}" for i in range(MAX_METADATA_ROWS)]
    response = await visitor.upload(**rows, meta_key=keys, meta_value=keys)

    assert response.status_code == 303, text_of(response)
    assert await visitor.balance() == 9
