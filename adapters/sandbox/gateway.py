"""The sandbox gateway: orders made locally, Razorpay-shaped events signed with real HMAC-SHA256.

Its checkout page (entrypoints/http/controllers/sandbox.py) plays both the buyer's browser and Razorpay's servers:
it signs the checkout result and the webhook body exactly as Razorpay would and hands them to the same verify and
webhook use cases, so the real capture code runs with no account and no network. Payments are remembered in this
process only, for reconciliation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import logging
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from adapters.razorpay import signatures
from adapters.razorpay.events import event_body, parse_event
from application.ports.payment_gateway import Checkout, GatewayEvent, GatewayOrder, GatewayPayment, GatewayRefund
from domain.errors import GatewayFailed

log = logging.getLogger(__name__)

CHECKOUT_PATH = "/sandbox/checkout"
ACCOUNT_ID = "acc_sandbox"


@dataclass(frozen=True)
class SignedWebhook:
    body: bytes
    signature: str
    event_id: str


class SandboxGateway:
    name = "sandbox"
    key_id = "rzp_test_sandbox"

    def __init__(self, key_secret: str, webhook_secret: str) -> None:
        self.key_secret = key_secret
        self.webhook_secret = webhook_secret
        self.payments: dict[str, list[GatewayPayment]] = defaultdict(list)
        self.refunds: dict[str, list[GatewayRefund]] = defaultdict(list)  # by payment id
        self.refunded_by_key: dict[str, GatewayRefund] = {}  # merchant refunds by idempotency key

    @classmethod
    def keyed_by(cls, master_secret: str) -> SandboxGateway:
        """Both secrets derived from one (the JWT secret), so every process of a deployment signs alike."""
        return cls(derive_secret(master_secret, "key"), derive_secret(master_secret, "webhook"))

    async def create_order(self, order_id: UUID, amount: int, currency: str, description: str) -> GatewayOrder:
        gateway_order_id = f"order_sbx_{secrets.token_hex(8)}"
        checkout = Checkout(
            gateway=self.name,
            gateway_order_id=gateway_order_id,
            amount=amount,
            currency=currency,
            description=description,
            checkout_url=f"{CHECKOUT_PATH}/{gateway_order_id}",
        )
        return GatewayOrder(gateway_order_id, checkout)

    def verify_checkout(self, gateway_order_id: str, payment_id: str, signature: str) -> bool:
        return signatures.matches(self.key_secret, signatures.checkout_message(gateway_order_id, payment_id), signature)

    def verify_webhook(self, body: bytes, signature: str) -> bool:
        return signatures.matches(self.webhook_secret, body, signature)

    def parse_event(self, body: bytes) -> GatewayEvent:
        return parse_event(body)

    async def fetch_order_payments(self, gateway_order_id: str) -> list[GatewayPayment]:
        return list(self.payments.get(gateway_order_id, []))

    async def fetch_payment(self, payment_id: str) -> GatewayPayment:
        for payments in self.payments.values():
            for payment in payments:
                if payment.payment_id == payment_id:
                    return payment
        raise GatewayFailed("the sandbox made no such payment (in this process)")

    async def fetch_payment_refunds(self, payment_id: str) -> list[GatewayRefund]:
        return list(self.refunds.get(payment_id, []))

    async def capture_payment(self, payment_id: str, amount: int, currency: str) -> GatewayPayment:
        payment = await self.fetch_payment(payment_id)
        if payment.status != "authorized" or (payment.amount, payment.currency) != (amount, currency):
            raise GatewayFailed("only an authorized payment can be captured, for the amount authorized")
        captured = dataclasses.replace(payment, status="captured")
        listed = self.payments[payment.order_id or ""]
        listed[listed.index(payment)] = captured
        return captured

    async def refund(
        self, payment_id: str, amount: int, currency: str, idempotency_key: str, receipt: str, notes: dict[str, str]
    ) -> GatewayRefund:
        """As Razorpay: only captured money can go back, never more than is left, once per idempotency key."""
        if idempotency_key in self.refunded_by_key:
            return self.refunded_by_key[idempotency_key]
        known = [p for payments in self.payments.values() for p in payments if p.payment_id == payment_id]
        if known:
            payment = known[0]
            left = payment.amount - sum(r.amount for r in self.refunds.get(payment_id, []))
            if payment.status != "captured" or payment.currency != currency or not 0 < amount <= left:
                raise GatewayFailed("only captured money can be refunded, up to what is left of the payment")
        elif amount <= 0:
            raise GatewayFailed("a refund needs an amount")
        # A payment of an earlier process (the sandbox remembers none across restarts) is refunded on trust: no money
        # is real here, and an operator's refund in development should not stay pending for ever.
        refund = GatewayRefund(f"rfnd_sbx_{secrets.token_hex(7)}", payment_id, amount, currency, "processed")
        self.refunds[payment_id].append(refund)
        self.refunded_by_key[idempotency_key] = refund
        return refund

    # What the checkout page does in Razorpay's place.

    def pay(self, gateway_order_id: str, amount: int, currency: str, status: str = "captured") -> GatewayPayment:
        """A payment the buyer made on the order (captured, authorized or failed), remembered for reconciliation."""
        payment = GatewayPayment(f"pay_sbx_{secrets.token_hex(7)}", amount, currency, status, gateway_order_id)
        self.payments[gateway_order_id].append(payment)
        return payment

    def sign_checkout(self, gateway_order_id: str, payment_id: str) -> str:
        """Checkout's handler result signature, as Razorpay makes it with the key secret."""
        return signatures.sign(self.key_secret, signatures.checkout_message(gateway_order_id, payment_id))

    def payment_event(
        self, event: str, gateway_order_id: str, payment: GatewayPayment, reason: str | None = None
    ) -> SignedWebhook:
        """payment.captured, payment.failed or order.paid for the payment, signed with the webhook secret."""
        entity = {  # the payment entity of razorpay.com/docs/webhooks/payments, its main fields
            "id": payment.payment_id,
            "entity": "payment",
            "amount": payment.amount,
            "currency": payment.currency,
            "status": payment.status,
            "order_id": gateway_order_id,
            "method": "upi",
            "captured": payment.status == "captured",
            "notes": [],
            "error_description": reason,
            "created_at": int(time.time()),
        }
        entities: dict[str, dict[str, object]] = {"payment": entity}
        if event == "order.paid":
            entities["order"] = {
                "id": gateway_order_id,
                "entity": "order",
                "amount": payment.amount,
                "amount_paid": payment.amount,
                "amount_due": 0,
                "currency": payment.currency,
                "status": "paid",
            }
        return self.signed(event_body(event, entities, ACCOUNT_ID, int(time.time())))

    def refund_event(self, gateway_order_id: str, payment: GatewayPayment, amount: int) -> SignedWebhook:
        """refund.processed for part or all of a payment, refunded now (from the gateway's dashboard)."""
        refund = GatewayRefund(f"rfnd_sbx_{secrets.token_hex(7)}", payment.payment_id, amount, payment.currency,
                               "processed")  # fmt: skip
        self.refunds[payment.payment_id].append(refund)
        return self.refund_processed(gateway_order_id, payment, refund)

    def refund_processed(self, gateway_order_id: str, payment: GatewayPayment, made: GatewayRefund) -> SignedWebhook:
        """The refund.processed Razorpay sends for a refund already made (one the API call asked for, say)."""
        refund_id, amount = made.refund_id, made.amount
        refund = {  # the refund entity of razorpay.com/docs/api/refunds/entity, its main fields
            "id": refund_id,
            "entity": "refund",
            "payment_id": payment.payment_id,
            "amount": amount,
            "currency": payment.currency,
            "status": "processed",
            "notes": [],
        }
        # As on razorpay.com/docs/webhooks/refunds: `captured` is false for an auto-refund of a payment never captured.
        entity = {"id": payment.payment_id, "entity": "payment", "amount": payment.amount,
                  "currency": payment.currency, "status": "refunded", "order_id": gateway_order_id,
                  "captured": payment.status == "captured", "amount_refunded": amount,
                  "refund_status": "full" if amount >= payment.amount else "partial"}  # fmt: skip
        body = event_body("refund.processed", {"refund": refund, "payment": entity}, ACCOUNT_ID, int(time.time()))
        return self.signed(body)

    def signed(self, body: bytes) -> SignedWebhook:
        return SignedWebhook(body, signatures.sign(self.webhook_secret, body), f"evt_sbx_{secrets.token_hex(8)}")


def derive_secret(master_secret: str, purpose: str) -> str:
    """One secret per purpose; without a master secret, a random one of this process only."""
    if not master_secret:
        log.warning("no JWT secret: the sandbox gateway signs with a key of this process only")
        return secrets.token_hex(32)
    label = f"pixelmill sandbox {purpose} secret".encode()
    return hmac.new(master_secret.encode(), label, hashlib.sha256).hexdigest()
