"""API keys page: make a key (its secret shown once, after a redirect), list them, revoke one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from application.use_cases.api_keys import CreateApiKey, ListApiKeys, RevokeApiKey
from domain.api_keys import MAX_LIVE_KEYS, Scope
from domain.errors import ValidationFailed
from domain.users import User
from entrypoints.http.dashboard.shown_once import ShownOnce
from entrypoints.http.dashboard.views import page, see_other

PATH = "/keys"
NEW_KEY = ShownOnce("pixelmill_new_key", PATH)
SCOPE_WORDS = {
    Scope.TASKS_READ: "Read tasks and their images",
    Scope.TASKS_WRITE: "Submit and delete tasks",
    Scope.CREDITS_READ: "Read the balance and the ledger",
    Scope.BILLING_READ: "Read plans and orders",
    Scope.BILLING_WRITE: "Place orders",
}


class ApiKeysPageController(Controller):
    path = PATH

    @get("/", summary="API keys page")
    async def keys(self, request: Request[Any, Any, Any], viewer: User, list_api_keys: ListApiKeys) -> Template:
        """The live keys, the form for a new one, and a new key's secret right after it was made."""
        return await _keys_page(request, viewer, list_api_keys, {}, NEW_KEY.read(request))

    @post("/", summary="Make an API key")
    async def create(
        self, request: Request[Any, Any, Any], viewer: User, create_api_key: CreateApiKey, list_api_keys: ListApiKeys
    ) -> Template | Redirect:
        """Redirects to the page, which shows the secret once; a bad name comes back next to its field."""
        form = await request.form()
        scopes = [str(value) for value in form.getall("scopes", [])]
        try:
            new = await create_api_key(viewer.id, str(form.get("name") or ""), scopes or None)
        except ValidationFailed as exc:
            errors = {e.field: e.message for e in exc.errors}
            return await _keys_page(request, viewer, list_api_keys, errors, None, 422, str(form.get("name") or ""))
        redirect = see_other(PATH)
        NEW_KEY.carry(redirect, new.secret)
        return redirect

    @post("/{key_id:uuid}/revoke", summary="Revoke an API key")
    async def revoke(self, key_id: UUID, viewer: User, revoke_api_key: RevokeApiKey) -> Redirect:
        """The key stops working at once."""
        await revoke_api_key(viewer.id, key_id)
        return see_other(f"{PATH}?notice=key-revoked")


async def _keys_page(
    request: Request[Any, Any, Any],
    viewer: User,
    list_api_keys: ListApiKeys,
    errors: dict[str, str],
    secret: str | None,
    status_code: int = 200,
    name: str = "",
) -> Template:
    keys = (await list_api_keys(viewer.id, MAX_LIVE_KEYS, None)).items
    response = page(
        request, "api_keys.html.j2", viewer, status_code, keys=keys, errors=errors, secret=secret, key_name=name,
        scopes=SCOPE_WORDS, max_keys=MAX_LIVE_KEYS,
    )
    if secret:
        NEW_KEY.spend(response)
    return response
