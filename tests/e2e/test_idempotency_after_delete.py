"""Deleting a task keeps its Idempotency-Key for the rest of 24 hours: a client's retry used to be charged again."""

from __future__ import annotations

from tests.e2e.conftest import Api, jpeg


async def test_a_retry_after_the_task_was_deleted_is_409_and_charges_nothing(api: Api) -> None:
    user = await api.new_user()
    key = {"Idempotency-Key": "retry-after-delete"}
    first = await user.submit(jpeg(), title="Holiday", headers=key)
    assert first.status_code == 202, first.text
    assert (await user.delete(f"/api/v1/tasks/{first.json()['id']}")).status_code == 204

    retry = await user.submit(jpeg(), title="Holiday", headers=key)
    other = await user.submit(jpeg(), title="Another title", headers=key)

    assert retry.status_code == 409, retry.text
    assert "deleted" in retry.json()["detail"]
    assert other.status_code == 409, other.text
    assert (await user.get("/api/v1/credits")).json()["balance"] == 9
    assert (await user.get("/api/v1/tasks")).json()["items"] == []


async def test_a_new_key_after_a_delete_submits_as_usual(api: Api) -> None:
    user = await api.new_user()
    first = await user.submit(jpeg(), headers={"Idempotency-Key": "one"})
    await user.delete(f"/api/v1/tasks/{first.json()['id']}")

    again = await user.submit(jpeg(), headers={"Idempotency-Key": "two"})

    assert again.status_code == 202, again.text
    assert (await user.get("/api/v1/credits")).json()["balance"] == 8
