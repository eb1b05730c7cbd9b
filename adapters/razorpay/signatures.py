"""HMAC-SHA256 signatures as Razorpay makes them: hex digests, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def sign(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def checkout_message(gateway_order_id: str, payment_id: str) -> bytes:
    """What Checkout's handler result is signed over, with the key secret."""
    return f"{gateway_order_id}|{payment_id}".encode()


def matches(secret: str, message: bytes, signature: str) -> bool:
    """Constant-time; False for an empty secret (anyone could sign with it) or a signature that is not ASCII."""
    if not secret or not signature:
        return False
    try:
        return hmac.compare_digest(sign(secret, message).encode(), signature.encode("ascii"))
    except UnicodeEncodeError:
        return False
