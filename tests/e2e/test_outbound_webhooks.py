"""Outbound webhooks end to end: endpoint routes, and real deliveries to a local receiver that fails on purpose."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from standardwebhooks import Webhook

from entrypoints.harness import build_harness
from tests.e2e.conftest import GENEROUS_LIMITS, Api, serving
from tests.support.webhook_receiver import receiving

FAST_RETRIES = {
    "webhook_allow_private_targets": True,
    "webhook_retry_first_seconds": 1,
    "webhook_dispatch_interval_seconds": 1,
    "webhook_timeout_seconds": 1.0,
    "webhook_disable_after_failures": 3,
}


@pytest.fixture
async def hooks_api() -> AsyncIterator[Api]:
    """The app on the fakes, private targets allowed (the receiver is on 127.0.0.1), retries in seconds."""
    async with serving(build_harness(**GENEROUS_LIMITS, **FAST_RETRIES)) as api:
        yield api


async def wait_until(check: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met before the deadline"
        await asyncio.sleep(0.05)


async def test_an_endpoint_shows_its_secret_once_and_lists_without_it(api: Api) -> None:
    user = await api.new_user()
    response = await user.post("/api/v1/webhook-endpoints", json={"url": "https://93.184.216.34/hooks"})

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["task.completed", "task.failed", "credits.purchased", "credits.low"]
    listed = (await user.get("/api/v1/webhook-endpoints")).json()["items"]
    assert [e["id"] for e in listed] == [created["id"]] and "secret" not in listed[0]
    assert created["secret"] not in (await user.get("/api/v1/webhook-endpoints")).text


@pytest.mark.parametrize(
    "url", ["https://127.0.0.1/x", "https://169.254.169.254/latest", "https://localhost/x", "https://10.0.0.1/x", "ftp://x.example/"]
)
async def test_private_or_non_https_targets_are_422(api: Api, url: str) -> None:
    user = await api.new_user()
    response = await user.post("/api/v1/webhook-endpoints", json={"url": url})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "url"


async def test_deleting_an_endpoint_is_204_then_404_and_another_users_is_404(api: Api) -> None:
    user, other = await api.new_user(), await api.new_user()
    endpoint = (await user.post("/api/v1/webhook-endpoints", json={"url": "https://93.184.216.34/h"})).json()

    assert (await other.get(f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries")).status_code == 404
    assert (await other.delete(f"/api/v1/webhook-endpoints/{endpoint['id']}")).status_code == 404
    assert (await user.delete(f"/api/v1/webhook-endpoints/{endpoint['id']}")).status_code == 204
    assert (await user.delete(f"/api/v1/webhook-endpoints/{endpoint['id']}")).status_code == 404


async def test_an_api_key_cannot_manage_endpoints(api: Api) -> None:
    user = await api.new_user()
    key = (await user.post("/api/v1/api-keys", json={"name": "ci"})).json()["key"]
    as_key = Api(api.http, api.harness, {"Authorization": f"Bearer {key}"})

    assert (await as_key.post("/api/v1/webhook-endpoints", json={"url": "https://93.184.216.34/h"})).status_code == 403
    assert (await as_key.get("/api/v1/webhook-endpoints")).status_code == 403


async def test_a_completed_task_reaches_the_receiver_signed_after_failures_with_growing_delays(hooks_api: Api) -> None:
    with receiving(500, 503) as receiver:
        user = await hooks_api.new_user()
        endpoint = (
            await user.post("/api/v1/webhook-endpoints", json={"url": receiver.url, "events": ["task.completed"]})
        ).json()
        task = (await user.submit()).json()

        first, second, third = await asyncio.to_thread(receiver.wait_for, 3)

        payload = Webhook(endpoint["secret"]).verify(third.body, third.headers)
        assert payload["type"] == "task.completed" and payload["data"]["id"] == task["id"]
        assert first.headers["webhook-id"] == second.headers["webhook-id"] == third.headers["webhook-id"]
        assert 0.9 <= second.at - first.at and 1.9 <= third.at - second.at  # 1 s, then 2 s
        deliveries_path = f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries"

        async def delivered() -> bool:
            items = (await user.get(deliveries_path)).json()["items"]
            return bool(items) and items[0]["status"] == "delivered"

        await wait_until(delivered)
        [delivery] = (await user.get(deliveries_path)).json()["items"]
        assert delivery["attempts"] == 3 and delivery["last_status_code"] == 200 and delivery["event"] == "task.completed"


async def test_redirects_are_not_followed_and_timeouts_count_as_failures(hooks_api: Api) -> None:
    with receiving(302, 3.0) as receiver:
        user = await hooks_api.new_user()
        endpoint = (await user.post("/api/v1/webhook-endpoints", json={"url": receiver.url})).json()
        await user.submit()

        await asyncio.to_thread(receiver.wait_for, 3)
        deliveries_path = f"/api/v1/webhook-endpoints/{endpoint['id']}/deliveries"

        async def settled() -> bool:
            items = (await user.get(deliveries_path)).json()["items"]
            return any(item["status"] == "delivered" for item in items)

        await wait_until(settled)
        assert all(r.path == "/hooks" for r in receiver.received)  # never /elsewhere


async def test_an_endpoint_failing_again_and_again_is_disabled_with_its_reason(hooks_api: Api) -> None:
    with receiving(*[500] * 20) as receiver:
        user = await hooks_api.new_user()
        await user.post("/api/v1/webhook-endpoints", json={"url": receiver.url})
        await user.submit()

        async def disabled() -> bool:
            return not (await user.get("/api/v1/webhook-endpoints")).json()["items"][0]["enabled"]

        await wait_until(disabled)
        endpoint = (await user.get("/api/v1/webhook-endpoints")).json()["items"][0]
        assert "500" in endpoint["disabled_reason"]
