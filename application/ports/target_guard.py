"""The server-side request forgery check of a webhook URL."""

from __future__ import annotations

from typing import Protocol


class TargetGuard(Protocol):
    async def check(self, url: str) -> None:
        """Raises ValidationFailed (field url) unless the URL's scheme is allowed and every address it resolves to is public."""
        ...
