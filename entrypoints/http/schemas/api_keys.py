"""API key bodies and answers: the full key only in the answer to its creation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.api_keys import ApiKey
from domain.values import Page


class ApiKeyIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    scopes: Annotated[list[str], msgspec.Meta(max_length=10)] | None = None


class ApiKeyOut(msgspec.Struct):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> ApiKeyOut:
        return cls(key.id, key.name, key.prefix, [s.value for s in key.scopes], key.created_at, key.last_used_at)


class NewApiKeyOut(msgspec.Struct):
    id: UUID
    name: str
    prefix: str
    scopes: list[str]
    key: str
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey, secret: str) -> NewApiKeyOut:
        out = ApiKeyOut.of(key)
        return cls(out.id, out.name, out.prefix, out.scopes, secret, out.created_at, out.last_used_at)


class ApiKeyPage(msgspec.Struct):
    items: list[ApiKeyOut]
    next_cursor: str | None

    @classmethod
    def of(cls, page: Page[ApiKey]) -> ApiKeyPage:
        return cls([ApiKeyOut.of(key) for key in page.items], page.next_cursor)
