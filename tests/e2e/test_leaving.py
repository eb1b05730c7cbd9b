"""Leaving and taking your data over HTTP, on every store: the export zip, and account deletion that leaves no image
and a ledger that still reconciles."""

from __future__ import annotations

import io
import json
import zipfile
from uuid import UUID

from tests.e2e.conftest import Api
from tests.e2e.test_task_routes import finished

PROBLEM = "application/problem+json"


async def test_the_export_is_a_zip_of_the_account_tasks_ledger_orders_and_on_request_the_images(api: Api) -> None:
    user = await api.new_user()
    task = (await user.submit(title="holiday")).json()
    await finished(user, task["id"])

    plain = await user.get("/api/v1/me/export")
    with_images = await user.get("/api/v1/me/export", params={"images": "true"})

    assert plain.status_code == 200 and plain.headers["content-type"] == "application/zip"
    assert "attachment" in plain.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(plain.content))
    assert sorted(archive.namelist()) == ["account.json", "ledger.json", "orders.json", "tasks.json"]
    assert json.loads(archive.read("account.json"))["email"] == user.email  # type: ignore[attr-defined]
    assert [t["title"] for t in json.loads(archive.read("tasks.json"))] == ["holiday"]
    assert [e["reason"] for e in json.loads(archive.read("ledger.json"))] == ["task_charge", "signup_bonus"]
    assert json.loads(archive.read("orders.json")) == []
    images = sorted(zipfile.ZipFile(io.BytesIO(with_images.content)).namelist())
    assert [name for name in images if name.startswith("images/")] == [
        f"images/{task['id']}-result.jpeg",
        f"images/{task['id']}-source.jpeg",
    ]


async def test_an_api_key_cannot_export_or_delete_the_account(api: Api) -> None:
    user = await api.new_user()
    key = (await user.post("/api/v1/api-keys", json={"name": "ci"})).json()["key"]
    headers = {"Authorization": f"Bearer {key}"}

    export = await api.http.get("/api/v1/me/export", headers=headers)
    deleted = await api.http.request("DELETE", "/api/v1/me", headers=headers, json={"password": "correct horse"})

    assert (export.status_code, deleted.status_code) == (403, 403)


async def test_deleting_the_account_needs_the_password_and_leaves_no_image_and_a_reconciled_ledger(api: Api) -> None:
    user = await api.new_user()
    user_id = UUID((await user.get("/api/v1/me")).json()["id"])
    task = (await user.submit()).json()
    await finished(user, task["id"])
    await user.submit()
    key = (await user.post("/api/v1/api-keys", json={"name": "ci"})).json()["key"]
    assert (await user.post("/api/v1/webhook-endpoints", json={"url": "https://93.184.216.34/hooks"})).status_code == 201
    assert api.harness.storage.blobs

    wrong = await user.request_delete({"password": "not my password"})
    deleted = await user.request_delete({"password": "correct horse"})
    after = [
        await user.get("/api/v1/me"),
        await api.http.get("/api/v1/credits", headers={"Authorization": f"Bearer {key}"}),
        await api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]}),  # type: ignore[attr-defined]
        await api.http.post("/api/v1/auth/login", json={"email": user.email, "password": "correct horse"}),  # type: ignore[attr-defined]
    ]
    signup_again = await api.http.post("/api/v1/auth/signup", json={"email": user.email, "password": "correct horse"})  # type: ignore[attr-defined]

    assert wrong.status_code == 422 and wrong.headers["content-type"] == PROBLEM
    assert deleted.status_code == 204
    assert [answer.status_code for answer in after] == [401, 401, 401, 401]
    assert signup_again.status_code == 201  # the address is free again
    assert not [key for key in api.harness.storage.blobs if task["id"] in key]
    async with api.harness.container.uow() as uow:
        stored = await uow.users.get(user_id)
        assert stored is not None and stored.deleted_at is not None and user.email not in stored.email  # type: ignore[attr-defined]
        ledger = (await uow.credits.ledger(user_id, 100, None)).items
        assert (await uow.tasks.list(user_id, None, 10, None)).items == []
        assert (await uow.api_keys.list(user_id, 10, None)).items == []
        assert (await uow.webhook_endpoints.list(user_id, 10, None)).items == []
        assert stored.credits == sum(entry.delta for entry in ledger) and len(ledger) == 3
