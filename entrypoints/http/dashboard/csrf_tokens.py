"""The dashboard's CSRF token: HMAC(nonce, user) under a key derived from the server's secret."""

from __future__ import annotations

import hashlib
import hmac


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"pixelmill dashboard csrf", hashlib.sha256).digest()


def make_token(secret: str, nonce: str, user_id: object) -> str:
    message = f"{nonce}:{user_id or '-'}".encode()
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()
