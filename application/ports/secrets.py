"""Random secrets handed to users once, and the keyed hash under which the reusable ones are stored."""

from __future__ import annotations

from typing import Protocol


class SecretMinter(Protocol):
    def new(self, prefix: str) -> str:
        """prefix followed by at least 32 random url-safe characters (at least 190 bits)."""
        ...

    def new_signing_secret(self) -> str:
        """"whsec_" and the standard base64 of 32 random bytes (a Standard Webhooks signing secret)."""
        ...

    def digest(self, secret: str) -> str:
        """A keyed hash of the secret (HMAC-SHA256 with a server key), hex; deterministic, fast."""
        ...

    def matches(self, secret: str, digest: str) -> bool:
        """Whether the secret hashes to digest, compared in constant time."""
        ...
