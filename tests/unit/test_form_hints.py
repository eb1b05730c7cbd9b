"""A multipart form model's type hints are read once, not on every request."""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import litestar.typing
import pytest
from litestar import Litestar, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.testing import TestClient

from entrypoints.http.form_hints import cache_form_type_hints


@dataclass
class HintedForm:  # a class of its own, so no other test has filled the cache for it
    title: str
    note: str | None = None


@post("/form")
async def take_form(data: Annotated[HintedForm, Body(media_type=RequestEncodingType.MULTI_PART)]) -> str:
    return f"{data.title}/{data.note}"


def test_multipart_requests_do_not_reread_the_form_type_hints(monkeypatch: pytest.MonkeyPatch) -> None:
    cache_form_type_hints()
    app = Litestar(route_handlers=[take_form])
    reads: list[object] = []

    def counting(reader: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        def read(obj: object, *args: object, **kwargs: object) -> dict[str, Any]:
            if obj is HintedForm:
                reads.append(obj)
            return reader(obj, *args, **kwargs)

        return read

    # Litestar reads through typing_extensions' function, the cache through typing's; count both.
    monkeypatch.setattr(litestar.typing, "get_type_hints", counting(litestar.typing.get_type_hints))
    monkeypatch.setattr(typing, "get_type_hints", counting(typing.get_type_hints))
    with TestClient(app) as client:
        for n in range(5):
            response = client.post("/form", files={"title": (None, f"t{n}"), "note": (None, "x")})
            assert response.status_code == 201, response.text
            assert response.text == f"t{n}/x"
    assert len(reads) <= 1
