"""Task routes over HTTP: submit, follow, download, share, delete, and every bad input API.md names."""

from __future__ import annotations

import asyncio
import io
import json
import re
import struct
import zlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from dependency_injector import providers
from PIL import Image

from adapters.memory.queue import MemoryTaskQueue
from application.use_cases.read_tasks import TaskEvents
from tests.e2e.conftest import Api, jpeg, png
from tests.e2e.polling import eventually


async def ledger_reconciles(user: Api) -> int:
    balance = (await user.get("/api/v1/credits")).json()["balance"]
    entries = (await user.get("/api/v1/credits/ledger", params={"limit": 100})).json()["items"]
    assert balance >= 0
    assert balance == sum(e["delta"] for e in entries)
    return balance


async def finished(user: Api, task_id: str) -> dict:
    response = await eventually(
        lambda: user.get(f"/api/v1/tasks/{task_id}"), lambda r: r.json()["status"] in ("completed", "failed")
    )
    return response.json()


async def test_a_task_goes_from_upload_to_downloaded_result(api: Api) -> None:
    user = await api.new_user()
    operations = [{"op": "resize", "width": 32, "height": 32}, {"op": "flip", "direction": "horizontal"}]
    response = await user.submit(
        jpeg(64, 48), title="Holiday", metadata=json.dumps({"camera": "x100"}), operations=json.dumps(operations)
    )
    assert response.status_code == 202, response.text
    task = response.json()
    assert task["status"] == "queued"
    assert task["source"] == {"format": "JPEG", "width": 64, "height": 48, "mode": "RGB", "bytes": task["source"]["bytes"]}
    assert task["operations"][0] == {"op": "resize", "width": 32, "height": 32, "fit": "contain"}
    assert task["metadata"] == {"camera": "x100"}
    assert (await user.get("/api/v1/credits")).json()["balance"] == 9

    done = await finished(user, task["id"])
    assert done["status"] == "completed"
    assert done["result"]["width"] == 32 and done["result"]["height"] == 24
    assert done["attempts"] == 1 and done["started_at"] and done["finished_at"]

    result = await user.get(f"/api/v1/tasks/{task['id']}/result")
    assert result.status_code == 200
    assert result.headers["content-type"] == "image/jpeg"
    assert result.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(result.content)).size == (32, 24)
    source = await user.get(f"/api/v1/tasks/{task['id']}/source")
    assert Image.open(io.BytesIO(source.content)).size == (64, 48)
    assert await ledger_reconciles(user) == 9


async def test_default_pipeline_when_operations_are_absent(api: Api) -> None:
    user = await api.new_user()
    task = (await user.submit(png())).json()
    assert [op["op"] for op in task["operations"]] == ["resize", "grayscale"]
    done = await finished(user, task["id"])
    assert done["result"]["format"] == "PNG"
    assert done["result"]["mode"] in ("L", "LA")


class WatchedEvents(TaskEvents):
    """TaskEvents that says when its first event (the state at once) has gone out."""

    def __init__(self, uow: Any) -> None:
        super().__init__(uow)
        self.first_sent = asyncio.Event()

    async def _follow(self, owner_id: UUID, task: Any) -> AsyncIterator[Any]:
        async for item in super()._follow(owner_id, task):
            yield item
            self.first_sent.set()


async def test_events_stream_the_status_until_the_task_ends(api: Api) -> None:
    user = await api.new_user()
    container = api.harness.container
    container.queue.override(providers.Object(MemoryTaskQueue()))  # no worker takes it until we say so
    events = WatchedEvents(container.uow)
    container.task_events.override(providers.Object(events))
    task = (await user.submit()).json()

    async def worker_after_the_first_event() -> None:
        await asyncio.wait_for(events.first_sent.wait(), 10)
        assert await container.process_task()(UUID(task["id"])) is not None

    working = asyncio.create_task(worker_after_the_first_event())
    response = await user.get(f"/api/v1/tasks/{task['id']}/events")
    await working

    assert response.headers["content-type"].startswith("text/event-stream")
    statuses = [json.loads(line[5:])["status"] for line in response.text.splitlines() if line.startswith("data:")]
    # One event per change: processing may be too brief to be seen, never repeated, never out of order.
    assert statuses in (["queued", "completed"], ["queued", "processing", "completed"])


async def test_list_pages_newest_first_and_filters_by_status(api: Api) -> None:
    user = await api.new_user()
    ids = [(await user.submit(title=f"t{i}")).json()["id"] for i in range(3)]
    for task_id in ids:
        await finished(user, task_id)
    first = (await user.get("/api/v1/tasks", params={"limit": 2})).json()
    assert [t["id"] for t in first["items"]] == ids[::-1][:2]
    second = (await user.get("/api/v1/tasks", params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [t["id"] for t in second["items"]] == [ids[0]]
    assert second["next_cursor"] is None
    completed = (await user.get("/api/v1/tasks", params={"status": "completed"})).json()["items"]
    assert len(completed) == 3
    assert (await user.get("/api/v1/tasks", params={"status": "queued"})).json()["items"] == []


async def test_bad_list_parameters_are_422(api: Api) -> None:
    user = await api.new_user()
    for params in ({"limit": 0}, {"limit": 101}, {"cursor": "garbage!"}, {"status": "done"}, {"limit": "ten"}):
        response = await user.get("/api/v1/tasks", params=params)
        assert response.status_code == 422, (params, response.text)
    assert (await user.get("/api/v1/credits/ledger", params={"limit": 500})).status_code == 422


async def test_another_users_task_is_404_everywhere(api: Api) -> None:
    owner, stranger = await api.new_user(), await api.new_user()
    task_id = (await owner.submit()).json()["id"]
    await finished(owner, task_id)
    for path in ("", "/source", "/result", "/events"):
        assert (await stranger.get(f"/api/v1/tasks/{task_id}{path}")).status_code == 404, path
    assert (await stranger.post(f"/api/v1/tasks/{task_id}/share")).status_code == 404
    assert (await stranger.delete(f"/api/v1/tasks/{task_id}")).status_code == 404
    assert (await owner.get(f"/api/v1/tasks/{task_id}")).status_code == 200
    assert (await owner.get("/api/v1/tasks/not-a-uuid")).status_code == 404


async def test_share_link_downloads_without_auth_until_the_task_is_deleted(api: Api) -> None:
    user = await api.new_user()
    task_id = (await user.submit()).json()["id"]
    await finished(user, task_id)
    shared = await user.post(f"/api/v1/tasks/{task_id}/share")
    assert shared.status_code == 201
    url = shared.json()["url"]
    assert "/api/v1/shared/" in url and shared.json()["expires_at"]
    path = url[url.index("/api/v1/shared/") :]
    assert (await api.http.get(path)).status_code == 200
    assert (await api.http.get(path[:-2] + ("AA" if not path.endswith("AA") else "BB"))).status_code == 404
    assert (await user.delete(f"/api/v1/tasks/{task_id}")).status_code == 204
    assert (await api.http.get(path)).status_code == 404
    assert (await user.get(f"/api/v1/tasks/{task_id}")).status_code == 404
    assert api.harness.storage.blobs == {}


async def test_result_and_share_are_409_until_completed(api: Api) -> None:
    user = await api.new_user()
    truncated = truncated_jpeg()
    task_id = (await user.submit(truncated)).json()["id"]
    done = await finished(user, task_id)
    assert done["status"] == "failed" and done["error"]
    assert (await user.get(f"/api/v1/tasks/{task_id}/result")).status_code == 409
    assert (await user.post(f"/api/v1/tasks/{task_id}/share")).status_code == 409


async def test_a_truncated_jpeg_fails_and_refunds_its_credit_once(api: Api) -> None:
    user = await api.new_user()
    task_id = (await user.submit(truncated_jpeg())).json()["id"]
    await finished(user, task_id)
    await api.harness.container.process_task()(__import__("uuid").UUID(task_id))  # a redelivered message
    entries = (await user.get("/api/v1/credits/ledger")).json()["items"]
    assert [e["reason"] for e in entries].count("task_refund") == 1
    assert await ledger_reconciles(user) == 10


def truncated_jpeg() -> bytes:
    """Headers intact (the probe accepts it), pixels cut off (the worker cannot decode it)."""
    noisy = Image.effect_noise((300, 200), 80).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG")
    return out.getvalue()[: out.tell() // 2]


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares a size without holding the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


async def test_bad_uploads_get_clear_errors_and_charge_nothing(api: Api) -> None:
    user = await api.new_user()
    cases = [
        ({"image": b"this is not an image at all"}, 415),
        ({"image": b""}, 415),
        ({"image": b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "filename": "x.png"}, 415),
        ({"image": b"<html><script>alert(1)</script></html>", "filename": "x.png"}, 415),
        ({"image": png_header(40000, 40000)}, 422),
        ({"title": None}, 422),
        ({"title": ""}, 422),
        ({"title": "x" * 201}, 422),
        ({"metadata": "[1, 2]"}, 422),
        ({"metadata": "{not json"}, 422),
        ({"metadata": json.dumps({"k": "v" * 17000})}, 422),
        ({"operations": json.dumps([{"op": "explode"}])}, 422),
        ({"operations": json.dumps([{"op": "resize", "width": 0, "height": 10}])}, 422),
        ({"operations": json.dumps([{"op": "blur", "radius": 51}])}, 422),
        ({"operations": json.dumps([{"op": "grayscale"}] * 11)}, 422),
        ({"operations": "{}"}, 422),
    ]
    for fields, status in cases:
        response = await user.submit(**fields)  # type: ignore[arg-type]
        assert response.status_code == status, (fields, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await user.get("/api/v1/tasks")).json()["items"] == []
    assert api.harness.storage.blobs == {}
    assert await ledger_reconciles(user) == 10


async def test_a_pipeline_over_the_pixel_budget_is_422_naming_the_operation_and_charges_nothing(api: Api) -> None:
    user = await api.new_user()
    # A 1×1 source: only the operations make it huge (8192² is 67 million pixels, the cap 50 million).
    operations = [{"op": "resize", "width": 8192, "height": 8192, "fit": "fill"}, {"op": "rotate", "degrees": 45}]
    response = await user.submit(image=png(1, 1), operations=json.dumps(operations))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in response.json()["errors"]] == ["operations[0]"]
    assert (await user.get("/api/v1/tasks")).json()["items"] == []
    assert await ledger_reconciles(user) == 10


async def test_a_hostile_file_name_is_ignored(api: Api) -> None:
    user = await api.new_user()
    response = await user.submit(filename="../../etc/passwd")
    assert response.status_code == 202
    assert all(key.startswith(("sources/", "results/")) and ".." not in key for key in api.harness.storage.blobs)


async def test_missing_image_is_422_and_broken_multipart_is_400(api: Api) -> None:
    user = await api.new_user()
    no_image = await user.post("/api/v1/tasks", data={"title": "x"}, files={"other": ("a", b"b")})
    assert no_image.status_code == 422
    broken = await user.post(
        "/api/v1/tasks", content=b"--nope\r\n", headers={"content-type": "multipart/form-data; boundary=zzz"}
    )
    assert broken.status_code in (400, 422)
    assert (await user.get("/api/v1/credits")).json()["balance"] == 10


async def test_an_upload_over_the_limit_is_413(api: Api) -> None:
    user = await api.new_user()
    response = await user.submit(b"\xff\xd8" + b"0" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await user.get("/api/v1/credits")).json()["balance"] == 10


async def test_idempotency_key_replays_the_first_task_and_rejects_a_different_body(api: Api) -> None:
    user = await api.new_user()
    key = {"Idempotency-Key": "order-42"}
    first = await user.submit(title="same", headers=key)
    again = await user.submit(title="same", headers=key)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert (await user.get("/api/v1/credits")).json()["balance"] == 9
    different = await user.submit(title="different", headers=key)
    assert different.status_code == 409
    assert (await user.get("/api/v1/credits")).json()["balance"] == 9


async def test_a_submission_refused_for_credits_stores_no_upload_and_no_task(api: Api) -> None:
    user = await api.new_user(credits=0)
    uploads = {key for key in api.harness.storage.blobs if key.startswith("sources/")}
    tasks = [task["id"] for task in (await user.get("/api/v1/tasks")).json()["items"]]

    refused = await user.submit(title="one too many")

    assert refused.status_code == 402
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert {key for key in api.harness.storage.blobs if key.startswith("sources/")} == uploads  # never written
    assert [task["id"] for task in (await user.get("/api/v1/tasks")).json()["items"]] == tasks  # no row either
    assert (await user.get("/api/v1/credits")).json()["balance"] == 0


async def test_twenty_concurrent_submissions_with_one_credit_accept_exactly_one(api: Api) -> None:
    user = await api.new_user()
    while (await user.get("/api/v1/credits")).json()["balance"] > 1:
        assert (await user.submit()).status_code == 202
    responses = await asyncio.gather(*(user.submit(title=f"race {i}") for i in range(20)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [202] + [402] * 19
    assert await ledger_reconciles(user) == 0  # no task failed, so no refund came back


async def test_every_api_route_but_the_public_ones_needs_a_token(api: Api) -> None:
    public = {"/api/v1/auth/signup", "/api/v1/auth/login", "/api/v1/auth/refresh"}
    public |= {"/api/v1/shared/{share_id:str}", "/api/v1/shared/{share_id:str}/original"}
    public |= {"/api/v1/plans", "/api/v1/webhooks/razorpay"}
    public |= {"/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm", "/api/v1/auth/verify-email"}
    checked = 0
    for route in api.harness.app.routes:
        if not route.path.startswith("/api/v1") or route.path in public:
            continue
        path = re.sub(r"\{\w+:uuid\}", "00000000-0000-0000-0000-000000000001", route.path)
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            response = await api.http.request(method, path)
            assert response.status_code == 401, (method, path, response.status_code)
            checked += 1
    assert checked >= 12
