"""API-key secrets: 256 random bits, stored as HMAC-SHA256 under a server key.

A keyed fast hash is right for long random secrets: nothing can be guessed, so a slow hash (argon2) would only
cost every request time, while the server key keeps a stolen table useless on its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

RANDOM_BYTES = 32  # 43 url-safe characters


class HmacSecretMinter:
    def __init__(self, server_key: str) -> None:
        # Domain separation: the same server secret signs JWTs; this key only ever hashes API keys.
        self.key = hmac.new(server_key.encode(), b"pixelmill api-key hashing", hashlib.sha256).digest()

    def new(self, prefix: str) -> str:
        return prefix + secrets.token_urlsafe(RANDOM_BYTES)

    def new_signing_secret(self) -> str:
        return "whsec_" + base64.b64encode(secrets.token_bytes(RANDOM_BYTES)).decode()

    def digest(self, secret: str) -> str:
        return hmac.new(self.key, secret.encode(), hashlib.sha256).hexdigest()

    def matches(self, secret: str, digest: str) -> bool:
        return hmac.compare_digest(self.digest(secret), digest)
