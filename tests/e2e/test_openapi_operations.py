"""The OpenAPI document types the operations of a multipart submission field by field, not as text."""

from __future__ import annotations

from typing import Any

import pytest

from entrypoints.harness import build_harness
from tests.e2e.conftest import serving

OPERATION_SCHEMAS = {
    "ResizeOp", "ThumbnailOp", "GrayscaleOp", "RotateOp", "FlipOp", "BlurOp",
    "SharpenOp", "FormatOp", "CropOp", "PadOp", "WatermarkOp",
}  # fmt: skip


async def _document() -> dict[str, Any]:
    async with serving(build_harness()) as client:
        return (await client.http.get("/docs/openapi.json")).json()  # type: ignore[no-any-return]


def _form(document: dict[str, Any], path: str) -> dict[str, Any]:
    body = document["paths"][path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    return document["components"]["schemas"][name]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", ["/api/v1/tasks", "/api/v1/tasks/batch"])
async def test_operations_of_a_submission_are_an_array_of_every_operation_schema(path: str) -> None:
    document = await _document()
    operations = _form(document, path)["properties"]["operations"]
    assert operations["type"] == "array"
    referenced = {item["$ref"].rsplit("/", 1)[-1] for item in operations["items"]["oneOf"]}
    assert referenced == OPERATION_SCHEMAS
    resize = document["components"]["schemas"]["ResizeOp"]
    assert {"op", "width", "height", "fit", "gravity"} <= set(resize["properties"])
    assert set(resize["required"]) >= {"op", "width", "height"}


@pytest.mark.parametrize("path", ["/api/v1/tasks", "/api/v1/tasks/batch"])
async def test_metadata_of_a_submission_is_a_json_object(path: str) -> None:
    metadata = _form(await _document(), path)["properties"]["metadata"]
    assert metadata["type"] == "object"
