"""The Razorpay gateway over the official SDK. The SDK blocks (requests): each call runs in a thread, with a timeout."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import razorpay
from razorpay.errors import SignatureVerificationError

from adapters.razorpay.events import parse_event
from application.ports.payment_gateway import (
    Checkout,
    GatewayEvent,
    GatewayOrder,
    GatewayPayment,
    GatewayRefund,
)
from domain.errors import GatewayFailed

log = logging.getLogger(__name__)

MERCHANT_NAME = "Pixelmill"
MAX_LISTED = 100  # the largest `count` Razorpay accepts for a list


class RazorpayGateway:
    name = "razorpay"

    def __init__(
        self, key_id: str, key_secret: str, webhook_secrets: str | Sequence[str], base_url: str, timeout: float
    ) -> None:
        self.key_id = key_id
        self.key_secret = key_secret
        # Newest first; an operator rotating keeps the old one while Razorpay still retries events signed with it.
        listed = (webhook_secrets,) if isinstance(webhook_secrets, str) else webhook_secrets
        self.webhook_secrets = tuple(secret for secret in listed if secret)
        self.timeout = timeout
        # base_url is the API root without /v1 (the SDK appends /v1/orders...): a local stub's address in tests.
        self.client = razorpay.Client(auth=(key_id, key_secret), base_url=base_url.rstrip("/"))

    async def create_order(self, order_id: UUID, amount: int, currency: str, description: str) -> GatewayOrder:
        data = {
            "amount": amount,
            "currency": currency,
            "receipt": order_id.hex,  # 32 characters: Razorpay allows 40
            "notes": {"order_id": str(order_id)},
        }
        created = await self._call("create an order", lambda: self.client.order.create(data, timeout=self.timeout))
        gateway_order_id = created.get("id") if isinstance(created, dict) else None
        if not isinstance(gateway_order_id, str) or not gateway_order_id or len(gateway_order_id) > 100:
            raise GatewayFailed("the payment gateway answered without an order id")
        if created.get("amount") != amount or created.get("currency") != currency:
            raise GatewayFailed("the payment gateway created an order for another amount")
        checkout = Checkout(
            gateway=self.name,
            gateway_order_id=gateway_order_id,
            amount=amount,
            currency=currency,
            key_id=self.key_id,
            name=MERCHANT_NAME,
            description=description,
        )
        return GatewayOrder(gateway_order_id, checkout)

    def verify_checkout(self, gateway_order_id: str, payment_id: str, signature: str) -> bool:
        if not self.key_secret:
            return False  # an empty key would let anyone sign
        fields = {
            "razorpay_order_id": gateway_order_id,
            "razorpay_payment_id": payment_id,
            "razorpay_signature": signature,
        }
        return self._verified(lambda: self.client.utility.verify_payment_signature(fields))

    def verify_webhook(self, body: bytes, signature: str) -> bool:
        try:
            text = body.decode("utf-8")  # the SDK signs text; Razorpay's bodies are UTF-8 JSON, never re-serialised
        except UnicodeDecodeError:
            return False
        utility = self.client.utility
        return any(
            self._verified(lambda secret=secret: utility.verify_webhook_signature(text, signature, secret))
            for secret in self.webhook_secrets
        )

    def parse_event(self, body: bytes) -> GatewayEvent:
        return parse_event(body)

    async def fetch_order_payments(self, gateway_order_id: str) -> list[GatewayPayment]:
        answer = await self._call(
            "fetch an order's payments", lambda: self.client.order.payments(gateway_order_id, timeout=self.timeout)
        )
        try:
            return [_payment(item) for item in answer["items"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise GatewayFailed("the payment gateway answered with an unexpected payments list") from exc

    async def check_credentials(self) -> None:
        """Raise GatewayFailed unless Razorpay accepts the key pair (an authenticated list of one order)."""
        await self._call("list orders with these keys", lambda: self.client.order.all({"count": 1}, timeout=self.timeout))

    async def fetch_payment(self, payment_id: str) -> GatewayPayment:
        _check_id(payment_id)
        answer = await self._call(
            "fetch a payment", lambda: self.client.payment.fetch(payment_id, {}, timeout=self.timeout)
        )
        return _parsed(answer)

    async def capture_payment(self, payment_id: str, amount: int, currency: str) -> GatewayPayment:
        _check_id(payment_id)
        data = {"currency": currency}  # the SDK adds the amount to this dict
        answer = await self._call(
            "capture a payment", lambda: self.client.payment.capture(payment_id, amount, data, timeout=self.timeout)
        )
        return _parsed(answer)

    async def fetch_payment_refunds(self, payment_id: str) -> list[GatewayRefund]:
        _check_id(payment_id)
        query = {"count": MAX_LISTED}  # Razorpay lists 10 unless told; a payment rarely has more than a few
        answer = await self._call(
            "fetch a payment's refunds",
            lambda: self.client.payment.fetch_multiple_refund(payment_id, query, timeout=self.timeout),
        )
        try:
            return [_refund(item) for item in answer["items"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise GatewayFailed("the payment gateway answered with an unexpected refunds list") from exc

    async def refund(
        self, payment_id: str, amount: int, currency: str, idempotency_key: str, receipt: str, notes: dict[str, str]
    ) -> GatewayRefund:
        _check_id(payment_id)
        # razorpay.com/docs/api/refunds/create-normal; X-Refund-Idempotency (…/normal-refunds-idempotent) makes a
        # retried request answer with the first refund, provided the body is the same.
        data = {"amount": amount, "speed": "normal", "notes": notes, "receipt": receipt}
        headers = {"X-Refund-Idempotency": idempotency_key}
        answer = await self._call(
            "refund a payment",
            lambda: self.client.payment.refund(payment_id, data, timeout=self.timeout, headers=headers),
        )
        try:
            refund = _refund(answer)
        except (KeyError, TypeError, ValueError) as exc:
            raise GatewayFailed("the payment gateway answered with an unexpected refund") from exc
        if (refund.payment_id, refund.amount, refund.currency) != (payment_id, amount, currency):
            raise GatewayFailed("the payment gateway refunded another payment or amount")
        return refund

    async def _call(self, what: str, call: Any) -> Any:
        try:
            return await asyncio.to_thread(call)
        except Exception as exc:  # the SDK raises its own errors, requests' and JSON decoding's: all mean "failed"
            log.warning("Razorpay could not %s: %s: %s", what, type(exc).__name__, exc)
            raise GatewayFailed(f"the payment gateway could not {what}") from exc

    @staticmethod
    def _verified(check: Any) -> bool:
        try:
            return bool(check())
        except (SignatureVerificationError, TypeError, ValueError):  # TypeError: a signature that is not ASCII
            return False


# Payment ids go into the URL path: only Razorpay's alphabet, so that no id can name another resource.
PAYMENT_ID = re.compile(r"[A-Za-z0-9_]{1,100}")


def _check_id(payment_id: str) -> None:
    if not PAYMENT_ID.fullmatch(payment_id):
        raise GatewayFailed("not a payment id")


def _payment(item: dict[str, Any]) -> GatewayPayment:
    """A payment entity (razorpay.com/docs/api/payments/entity); raises KeyError, TypeError or ValueError."""
    order_id = item.get("order_id")
    return GatewayPayment(
        str(item["id"]),
        int(item["amount"]),
        str(item["currency"]),
        str(item["status"]),
        str(order_id) if order_id else None,
    )


def _refund(item: dict[str, Any]) -> GatewayRefund:
    """A refund entity (razorpay.com/docs/api/refunds/entity); raises KeyError, TypeError or ValueError."""
    return GatewayRefund(
        str(item["id"]), str(item["payment_id"]), int(item["amount"]), str(item["currency"]), str(item["status"])
    )


def _parsed(answer: Any) -> GatewayPayment:
    try:
        return _payment(answer)
    except (KeyError, TypeError, ValueError) as exc:
        raise GatewayFailed("the payment gateway answered with an unexpected payment") from exc
