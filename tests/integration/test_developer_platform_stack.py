"""The developer platform on the production stack (PostgreSQL, Redis, separate API and worker processes):
a key revoked through one API process fails on another at once; a webhook goes out through the workers, retried."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from PIL import Image
from standardwebhooks import Webhook

from tests.support.stack import new_user, production_stack
from tests.support.webhook_receiver import receiving

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


async def test_a_key_deleted_through_one_api_process_is_refused_by_another_at_once(tmp_path: Path) -> None:
    async with production_stack(tmp_path, rate_limit_allowlist="127.0.0.1") as stack:
        (_, first), (_, second) = await stack.serve(), await stack.serve()
        async with httpx.AsyncClient(base_url=first) as one, httpx.AsyncClient(base_url=second) as other:
            user = await new_user(stack, one, 3)
            created = (await one.post("/api/v1/api-keys", json={"name": "ci"}, headers=user.headers)).json()
            as_key = {"Authorization": f"Bearer {created['key']}"}
            before = (await other.get("/api/v1/credits", headers=as_key)).status_code

            deleted = await one.delete(f"/api/v1/api-keys/{created['id']}", headers=user.headers)
            after = (await other.get("/api/v1/credits", headers=as_key)).status_code

    assert (before, deleted.status_code, after) == (200, 204, 401)


async def test_a_finished_task_is_delivered_by_the_workers_signed_after_a_failed_attempt(tmp_path: Path) -> None:
    fast = {
        "env": "development",  # plain http to the receiver on 127.0.0.1; staging and production demand https
        "webhook_allow_private_targets": "true",
        "webhook_retry_first_seconds": 1,
        "webhook_dispatch_interval_seconds": 1,
        "rate_limit_allowlist": "127.0.0.1",
    }
    with receiving(500) as receiver:
        async with production_stack(tmp_path, **fast) as stack:
            _, url = await stack.serve()
            stack.worker("worker")
            async with httpx.AsyncClient(base_url=url, timeout=10) as http:
                user = await new_user(stack, http, 3)
                endpoint = (
                    await http.post("/api/v1/webhook-endpoints", json={"url": receiver.url}, headers=user.headers)
                ).json()
                image = tmp_path / "photo.png"
                Image.new("RGB", (64, 48), "teal").save(image, "PNG")
                task = (
                    await http.post(
                        "/api/v1/tasks", data={"title": "t"}, files={"image": image.read_bytes()}, headers=user.headers
                    )
                ).json()

                failed, delivered = await asyncio.to_thread(receiver.wait_for, 2, 60.0)

                deadline = time.monotonic() + 30
                while True:
                    page = (
                        await http.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=user.headers)
                    ).json()
                    if page["items"] and page["items"][0]["status"] == "delivered":
                        break
                    assert time.monotonic() < deadline, page
                    await asyncio.sleep(0.1)

    payload = Webhook(endpoint["secret"]).verify(delivered.body, delivered.headers)
    assert payload["type"] == "task.completed" and payload["data"]["id"] == task["id"]
    assert failed.headers["webhook-id"] == delivered.headers["webhook-id"]
    assert delivered.at - failed.at >= 0.9
    assert page["items"][0]["attempts"] == 2
