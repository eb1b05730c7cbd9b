"""API key routes: create (the key shown once), list, revoke. Only a login manages keys, never a key."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, delete, get, post
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.use_cases.api_keys import CreateApiKey, ListApiKeys, RevokeApiKey
from entrypoints.http.controllers.credits import Cursor, Limit
from entrypoints.http.schemas.api_keys import ApiKeyIn, ApiKeyPage, NewApiKeyOut


class ApiKeysController(Controller):
    path = "/api-keys"
    tags = ["developer"]

    @post("/", status_code=HTTP_201_CREATED, summary="Create an API key (the key is shown only here)")
    async def create(self, data: ApiKeyIn, create_api_key: CreateApiKey, user_id: UUID) -> NewApiKeyOut:
        """A new `pxm_…` key with the scopes asked for (all five by default); at most 20 live keys."""
        new = await create_api_key(user_id, data.name, data.scopes)
        return NewApiKeyOut.of(new.key, new.secret)

    @get("/", summary="List API keys (without the keys themselves)")
    async def list(self, list_api_keys: ListApiKeys, user_id: UUID, limit: Limit = 20, cursor: Cursor = None) -> ApiKeyPage:
        """The user's live keys, newest first."""
        return ApiKeyPage.of(await list_api_keys(user_id, limit, cursor))

    @delete("/{key_id:uuid}", status_code=HTTP_204_NO_CONTENT, summary="Revoke an API key")
    async def remove(self, key_id: UUID, revoke_api_key: RevokeApiKey, user_id: UUID) -> None:
        """The key stops working at once, on every API process."""
        await revoke_api_key(user_id, key_id)
