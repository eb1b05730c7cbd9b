"""Absolute links start with PUBLIC_URL whatever Host header a client sends (a forged Host made phishing links)."""

from __future__ import annotations

from tests.e2e.billing import STARTER
from tests.e2e.conftest import GENEROUS_LIMITS, serving
from tests.e2e.polling import eventually
from entrypoints.harness import build_harness

PUBLIC = "https://pixelmill.example.com"
EVIL = {"Host": "evil.example"}


async def test_share_and_checkout_links_start_with_the_public_url_whatever_the_host_header() -> None:
    async with serving(build_harness(public_url=PUBLIC, **GENEROUS_LIMITS)) as api:
        user = await api.new_user()
        task_id = (await user.submit()).json()["id"]
        await eventually(lambda: user.get(f"/api/v1/tasks/{task_id}"), lambda r: r.json()["status"] == "completed")

        shared = await user.post(f"/api/v1/tasks/{task_id}/share", headers=EVIL)
        order = await user.post("/api/v1/orders", json={"plan_id": STARTER}, headers=EVIL)

    assert shared.status_code == 201 and shared.json()["url"].startswith(f"{PUBLIC}/api/v1/shared/")
    assert shared.json()["page_url"] == f"{PUBLIC}/s/{shared.json()['id']}"
    assert order.status_code == 201 and order.json()["checkout"]["checkout_url"].startswith(f"{PUBLIC}/sandbox/")


async def test_without_a_public_url_links_use_the_servers_own_address_not_the_host_header() -> None:
    async with serving(build_harness(**GENEROUS_LIMITS)) as api:
        user = await api.new_user()
        order = await user.post("/api/v1/orders", json={"plan_id": STARTER}, headers=EVIL)

    url = order.json()["checkout"]["checkout_url"]
    assert "evil.example" not in url
    assert url.startswith("http://testserver/sandbox/checkout/")  # the address the ASGI server reports
