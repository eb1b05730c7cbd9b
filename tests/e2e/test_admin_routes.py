"""Admin routes over HTTP on every store: 404 to all but admins, disabling, credits with a reason, the audit log."""

from __future__ import annotations

import re

from tests.e2e.conftest import Api

PROBLEM = "application/problem+json"


async def an_admin(api: Api) -> Api:
    admin = await api.new_user()
    await api.harness.container.promote_user()(admin.email, "tests")  # type: ignore[attr-defined]
    return admin


async def user_id(user: Api) -> str:
    return str((await user.get("/api/v1/me")).json()["id"])


async def test_admin_routes_answer_404_to_users_and_to_an_admins_api_key(api: Api) -> None:
    admin, user = await an_admin(api), await api.new_user()
    key = (await admin.post("/api/v1/api-keys", json={"name": "ci"})).json()["key"]
    as_key = Api(api.http, api.harness, {"Authorization": f"Bearer {key}"})
    checked = 0
    for route in api.harness.app.routes:
        if not route.path.startswith("/api/v1/admin"):
            continue
        path = re.sub(r"\{\w+:uuid\}", await user_id(user), route.path)
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            for caller in (user, as_key):
                answer = await caller.http.request(method, path, headers=caller.headers, json={"reason": "x", "delta": 1})
                assert answer.status_code == 404, (method, path, answer.status_code)
                checked += 1
    assert checked >= 18
    assert (await admin.get("/api/v1/admin/users")).status_code == 200


async def test_an_admin_finds_users_by_address_in_pages_and_sees_their_books(api: Api) -> None:
    admin = await an_admin(api)
    first, second = await api.new_user(), await api.new_user()
    await first.submit()

    page = await admin.get("/api/v1/admin/users", params={"email": first.email.upper(), "limit": 5})  # type: ignore[attr-defined]
    everyone = await admin.get("/api/v1/admin/users", params={"limit": 2})
    rest = await admin.get("/api/v1/admin/users", params={"limit": 2, "cursor": everyone.json()["next_cursor"]})
    subject = await user_id(first)
    one = await admin.get(f"/api/v1/admin/users/{subject}")
    ledger = await admin.get(f"/api/v1/admin/users/{subject}/ledger")
    tasks = await admin.get(f"/api/v1/admin/users/{subject}/tasks")
    orders = await admin.get(f"/api/v1/admin/users/{subject}/orders")
    unknown = await admin.get("/api/v1/admin/users/00000000-0000-0000-0000-000000000001")

    assert [u["email"] for u in page.json()["items"]] == [first.email]  # type: ignore[attr-defined]
    assert len(everyone.json()["items"]) == 2 and len(rest.json()["items"]) == 1
    assert {u["email"] for u in everyone.json()["items"] + rest.json()["items"]} == {
        admin.email, first.email, second.email  # type: ignore[attr-defined]
    }  # fmt: skip
    assert one.json()["credits"] == 9 and one.json()["disabled"] is False
    assert [e["reason"] for e in ledger.json()["items"]] == ["task_charge", "signup_bonus"]
    assert len(tasks.json()["items"]) == 1 and orders.json()["items"] == []
    assert unknown.status_code == 404


async def test_disabling_refuses_every_credential_at_once_and_enabling_restores_them(api: Api) -> None:
    admin, user = await an_admin(api), await api.new_user()
    key = (await user.post("/api/v1/api-keys", json={"name": "ci"})).json()["key"]
    subject = await user_id(user)

    missing = await admin.post(f"/api/v1/admin/users/{subject}/disable", json={})
    disabled = await admin.post(f"/api/v1/admin/users/{subject}/disable", json={"reason": "fraud"})
    refused = [
        await user.get("/api/v1/credits"),
        await api.http.get("/api/v1/credits", headers={"Authorization": f"Bearer {key}"}),
        await api.http.post("/api/v1/auth/refresh", json={"refresh_token": user.tokens["refresh_token"]}),  # type: ignore[attr-defined]
    ]
    enabled = await admin.post(f"/api/v1/admin/users/{subject}/enable", json={"reason": "cleared"})
    back = await api.http.get("/api/v1/credits", headers={"Authorization": f"Bearer {key}"})

    assert missing.status_code == 422
    assert (disabled.status_code, enabled.status_code, back.status_code) == (204, 204, 200)
    for answer in refused:
        assert answer.status_code == 403 and answer.headers["content-type"] == PROBLEM
        assert "disabled" in answer.json()["detail"]


async def test_credits_are_granted_and_taken_with_a_reason_and_the_audit_log_pages_every_action(api: Api) -> None:
    admin, user = await an_admin(api), await api.new_user()
    subject = await user_id(user)

    granted = await admin.post(f"/api/v1/admin/users/{subject}/credits", json={"delta": 5, "reason": "goodwill"})
    taken = await admin.post(f"/api/v1/admin/users/{subject}/credits", json={"delta": -15, "reason": "abuse"})
    too_much = await admin.post(f"/api/v1/admin/users/{subject}/credits", json={"delta": -1, "reason": "more"})
    no_reason = await admin.post(f"/api/v1/admin/users/{subject}/credits", json={"delta": 1, "reason": ""})
    first = await admin.get("/api/v1/admin/audit", params={"limit": 2})
    second = await admin.get("/api/v1/admin/audit", params={"limit": 2, "cursor": first.json()["next_cursor"]})
    ledger = (await user.get("/api/v1/credits/ledger")).json()["items"]

    assert granted.status_code == 201 and granted.json()["reason"] == "admin_grant"
    assert taken.status_code == 201 and (taken.json()["reason"], taken.json()["balance_after"]) == ("admin_debit", 0)
    assert (too_much.status_code, no_reason.status_code) == (422, 422)
    entries = first.json()["items"] + second.json()["items"]
    assert [(e["action"], e["subject"], e["reason"]) for e in entries] == [
        ("debit_credits", subject, "-15: abuse"),
        ("grant_credits", subject, "+5: goodwill"),
        ("promote", await user_id(admin), "tests"),
    ]
    assert {e["actor"] for e in entries[:2]} == {await user_id(admin)}
    assert set(entries[0]) == {"id", "actor", "action", "subject", "reason", "created_at"}
    assert sum(e["delta"] for e in ledger) == 0
