"""Sends one signed webhook to a URL that passed the address check."""

from __future__ import annotations

from typing import Protocol


class WebhookSender(Protocol):
    async def send(self, url: str, headers: dict[str, str], body: bytes) -> int:
        """POST once, no redirects, bounded time; the status code, or raises DeliveryError (network, refused address)."""
        ...
