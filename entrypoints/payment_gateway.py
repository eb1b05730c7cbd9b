"""The payment gateway the settings choose. The sandbox's secrets derive from the JWT secret, so they are stable."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets

from adapters.razorpay.gateway import RazorpayGateway
from adapters.sandbox.gateway import SandboxGateway
from application.ports.payment_gateway import PaymentGateway
from entrypoints.settings import Settings

log = logging.getLogger(__name__)


def make_payment_gateway(settings: Settings) -> PaymentGateway:
    if settings.payment_gateway == "razorpay":
        return RazorpayGateway(
            settings.razorpay_key_id,
            settings.razorpay_key_secret,
            settings.webhook_secrets,
            settings.razorpay_base_url,
            settings.razorpay_timeout_seconds,
        )
    return SandboxGateway(sandbox_secret(settings, "key"), sandbox_secret(settings, "webhook"))


def sandbox_secret(settings: Settings, purpose: str) -> str:
    """One secret per purpose, derived from the JWT secret: every process of a deployment signs alike."""
    if not settings.jwt_secret:
        log.warning("no JWT secret: the sandbox gateway signs with a key of this process only")
        return secrets.token_hex(32)
    label = f"pixelmill sandbox {purpose} secret".encode()
    return hmac.new(settings.jwt_secret.encode(), label, hashlib.sha256).hexdigest()
