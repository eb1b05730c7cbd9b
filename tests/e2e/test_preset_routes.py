"""Presets over HTTP: save, list, read, delete, and submit by name; the OpenAPI document shows every operation."""

from __future__ import annotations

import json

from tests.e2e.conftest import Api, jpeg
from tests.e2e.test_batch_routes import batch, files
from tests.e2e.test_task_routes import finished, ledger_reconciles

SQUARE = [{"op": "resize", "width": 32, "height": 32, "fit": "cover", "gravity": "north"}, {"op": "format", "format": "webp", "lossless": True}]


async def test_a_preset_is_saved_used_by_name_and_deleted(api: Api) -> None:
    user = await api.new_user()
    created = await user.post("/api/v1/presets", json={"name": "square", "operations": SQUARE})
    assert created.status_code == 201, created.text
    assert created.json()["operations"] == [
        {"op": "resize", "width": 32, "height": 32, "fit": "cover", "gravity": "north"},
        {"op": "format", "format": "webp", "quality": 85, "lossless": True},
    ]
    listed = (await user.get("/api/v1/presets")).json()
    assert [p["name"] for p in listed["items"]] == ["square"] and listed["next_cursor"] is None
    assert (await user.get("/api/v1/presets/square")).json()["id"] == created.json()["id"]

    response = await user.submit(jpeg(64, 48), preset="square")
    assert response.status_code == 202, response.text
    assert response.json()["operations"] == created.json()["operations"]
    done = await finished(user, response.json()["id"])
    assert (done["result"]["format"], done["result"]["width"], done["result"]["height"]) == ("WEBP", 32, 32)

    assert (await user.delete("/api/v1/presets/square")).status_code == 204
    assert (await user.get("/api/v1/presets/square")).status_code == 404
    assert (await user.delete("/api/v1/presets/square")).status_code == 404


async def test_preset_errors_are_problems_and_charge_nothing(api: Api) -> None:
    user, other = await api.new_user(), await api.new_user()
    assert (await user.post("/api/v1/presets", json={"name": "a", "operations": SQUARE})).status_code == 201
    taken = await user.post("/api/v1/presets", json={"name": "a", "operations": SQUARE})
    assert taken.status_code == 409 and taken.headers["content-type"].startswith("application/problem+json")
    assert (await other.get("/api/v1/presets/a")).status_code == 404  # not yours
    for body in (
        {"name": "a b", "operations": SQUARE},
        {"name": "b", "operations": []},
        {"name": "b", "operations": [{"op": "pad", "width": 5, "height": 5, "color": "blue"}]},
        {"name": "b", "operations": [{"op": "explode"}]},
        {"name": "b"},
    ):
        response = await user.post("/api/v1/presets", json=body)
        assert response.status_code == 422, (body, response.text)

    for fields in ({"preset": "missing"}, {"preset": "a", "operations": json.dumps([{"op": "grayscale"}])}):
        response = await user.submit(jpeg(), **fields)
        assert response.status_code == 422, response.text
        assert [error["field"] for error in response.json()["errors"]] == ["preset"]
    assert await ledger_reconciles(user) == 10


async def test_the_openapi_document_lists_every_operation_with_its_fields(api: Api) -> None:
    document = (await api.http.get("/docs/openapi.json")).json()
    schemas = document["components"]["schemas"]
    expected = {
        "CropOp": {"left", "top", "width", "height"},
        "PadOp": {"width", "height", "color"},
        "WatermarkOp": {"text", "position", "opacity", "size"},
        "ResizeOp": {"width", "height", "fit", "gravity"},
        "FormatOp": {"format", "quality", "lossless", "progressive"},
        "ThumbnailOp": {"size"},
        "RotateOp": {"degrees"},
        "FlipOp": {"direction"},
        "BlurOp": {"radius"},
        "GrayscaleOp": set(),
        "SharpenOp": set(),
    }
    for name, fields in expected.items():
        assert set(schemas[name]["properties"]) == {"op", *fields}, name
    assert "/api/v1/presets" in document["paths"] and "/api/v1/tasks/{task_id}/preview" in document["paths"]


async def test_a_batch_may_name_a_preset(api: Api) -> None:
    user = await api.new_user()
    assert (await user.post("/api/v1/presets", json={"name": "square", "operations": SQUARE})).status_code == 201
    response = await batch(user, files(jpeg(64, 48), jpeg(40, 40)), preset="square")
    assert response.status_code == 202, response.text
    assert [task["operations"][0]["gravity"] for task in response.json()["items"]] == ["north", "north"]
