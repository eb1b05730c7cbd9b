"""Share link body and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from domain.share_links import MAX_LIFETIME, MIN_LIFETIME, ShareLink

Lifetime = Annotated[
    int,
    msgspec.Meta(
        ge=int(MIN_LIFETIME.total_seconds()),
        le=int(MAX_LIFETIME.total_seconds()),
        description="seconds the link works; the server's default (7 days unless configured) when absent",
    ),
]


class ShareIn(msgspec.Struct, forbid_unknown_fields=True):
    """Optional body of POST /api/v1/tasks/{id}/share; an empty body takes every default."""

    expires_in_seconds: Lifetime | None = None
    show_original: bool = False  # visitors may compare the result with the uploaded image


class ShareLinkOut(msgspec.Struct):
    id: str
    url: str  # downloads the result's bytes
    page_url: str  # the public page: the result fitted to the screen, a download button, the expiry
    expires_at: datetime
    created_at: datetime
    show_original: bool

    @classmethod
    def of(cls, link: ShareLink, origin: str) -> ShareLinkOut:
        return cls(
            id=link.id,
            url=f"{origin}/api/v1/shared/{link.id}",
            page_url=f"{origin}/s/{link.id}",
            expires_at=link.expires_at,
            created_at=link.created_at,
            show_original=link.show_original,
        )


class ShareLinkList(msgspec.Struct):
    items: list[ShareLinkOut]
    next_cursor: str | None = None  # always null: a task has at most 10 live links, one page holds them all
