"""The sandbox gateway's checkout page: "Pay" and "Fail" as plain forms (the CSP allows no inline script or style).

Paying plays Razorpay's part: a signed checkout result goes through VerifyCheckout and a signed payment.captured
body through HandleWebhook, the very use cases behind /orders/{id}/verify and /webhooks/razorpay.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Annotated, Any

from litestar import Controller, MediaType, Response, get, post
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect
from litestar.status_codes import HTTP_303_SEE_OTHER

from adapters.sandbox.gateway import SandboxGateway
from application.use_cases.billing.handle_webhook import HandleWebhook, WebhookDelivery
from application.use_cases.billing.read_orders import GetCheckoutOrder
from application.use_cases.billing.verify_checkout import VerifyCheckout, VerifyCheckoutCommand
from domain.errors import OrderNotFound
from domain.orders import Order, OrderStatus
from domain.plans import format_price
from entrypoints.settings import Settings

RETURN_TO_MAX = 500
FAIL_REASON = "The buyer pressed Fail on the sandbox checkout page"
STYLESHEET = """
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #1d2433; }
.card { border: 1px solid #d5dae3; border-radius: 12px; padding: 1.5rem 2rem; }
.note { color: #5b6475; font-size: 0.9rem; }
.amount { font-size: 2rem; margin: 0.5rem 0; }
form { display: inline-block; margin: 1rem 0.5rem 0 0; }
button { font-size: 1rem; padding: 0.6rem 1.4rem; border-radius: 8px; border: 0; cursor: pointer; }
.pay { background: #1a7f37; color: white; }
.fail { background: #eef0f4; color: #a40e26; }
"""


@dataclass
class CheckoutForm:
    return_to: str = "/"


def safe_return(raw: str | None) -> str:
    """Only a path of this site: never another host (//evil.example, /\\evil.example) or a scheme."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/"
    if len(raw) > RETURN_TO_MAX or not raw.isprintable():
        return "/"
    return raw


def provide_sandbox(payment_gateway: Any) -> SandboxGateway:
    """Dependency: the configured gateway (a PaymentGateway, a Protocol Litestar cannot check), if the sandbox."""
    gateway = payment_gateway
    if not isinstance(gateway, SandboxGateway):
        raise OrderNotFound("the sandbox checkout is off: another payment gateway is configured")
    return gateway


class SandboxCheckoutController(Controller):
    path = "/sandbox"
    include_in_schema = False
    dependencies = {"sandbox": Provide(provide_sandbox, sync_to_thread=False)}

    @get("/checkout.css", media_type="text/css", cache_control=None)
    async def stylesheet(self) -> str:
        return STYLESHEET

    @get("/checkout/{gateway_order_id:str}", media_type=MediaType.HTML)
    async def page(
        self,
        sandbox: SandboxGateway,
        gateway_order_id: str,
        checkout_order: GetCheckoutOrder,
        return_to: str | None = None,
    ) -> Response[str]:
        """The order's amount, with Pay and Fail buttons."""
        order = await checkout_order(gateway_order_id)
        return Response(_page(order, safe_return(return_to)), media_type=MediaType.HTML)

    @post("/checkout/{gateway_order_id:str}/pay", status_code=HTTP_303_SEE_OTHER)
    async def pay(
        self,
        sandbox: SandboxGateway,
        gateway_order_id: str,
        data: Annotated[CheckoutForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        checkout_order: GetCheckoutOrder,
        verify_checkout: VerifyCheckout,
        handle_webhook: HandleWebhook,
    ) -> Redirect:
        """Pay in full: the checkout result is verified, then the payment.captured webhook arrives too."""
        gateway = sandbox
        order = await checkout_order(gateway_order_id)
        if order.status is not OrderStatus.PAID:
            payment = gateway.pay(order.gateway_order_id, order.amount, order.currency)
            signature = gateway.sign_checkout(order.gateway_order_id, payment.payment_id)
            await verify_checkout(
                VerifyCheckoutCommand(order.user_id, order.id, order.gateway_order_id, payment.payment_id, signature)
            )
            hook = gateway.payment_event("payment.captured", order.gateway_order_id, payment)
            await handle_webhook(WebhookDelivery(hook.body, hook.signature, hook.event_id))
        return Redirect(path=safe_return(data.return_to), status_code=HTTP_303_SEE_OTHER)

    @post("/checkout/{gateway_order_id:str}/fail", status_code=HTTP_303_SEE_OTHER)
    async def fail(
        self,
        sandbox: SandboxGateway,
        gateway_order_id: str,
        data: Annotated[CheckoutForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        checkout_order: GetCheckoutOrder,
        handle_webhook: HandleWebhook,
    ) -> Redirect:
        """A failed payment: the payment.failed webhook marks the order failed (a later Pay still works)."""
        gateway = sandbox
        order = await checkout_order(gateway_order_id)
        if order.status is not OrderStatus.PAID:
            payment = gateway.pay(order.gateway_order_id, order.amount, order.currency, status="failed")
            hook = gateway.payment_event("payment.failed", order.gateway_order_id, payment, reason=FAIL_REASON)
            await handle_webhook(WebhookDelivery(hook.body, hook.signature, hook.event_id))
        return Redirect(path=safe_return(data.return_to), status_code=HTTP_303_SEE_OTHER)


def _page(order: Order, return_to: str) -> str:
    base = f"/sandbox/checkout/{escape(order.gateway_order_id)}"
    back = escape(return_to)
    hidden = f'<input type="hidden" name="return_to" value="{back}">'
    if order.status is OrderStatus.PAID:
        actions = f'<p>This order is paid: its credits are in your balance.</p><p><a href="{back}">Back</a></p>'
    else:
        failed = order.status is OrderStatus.FAILED
        retry = '<p class="note">The last payment failed; you can pay again.</p>' if failed else ""
        actions = (
            f"{retry}"
            f'<form method="post" action="{base}/pay">{hidden}<button class="pay" type="submit">Pay</button></form>'
            f'<form method="post" action="{base}/fail">{hidden}<button class="fail" type="submit">Fail</button></form>'
            f'<p><a href="{back}">Cancel</a></p>'
        )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox checkout · Pixelmill</title>
<link rel="stylesheet" href="/sandbox/checkout.css">
</head>
<body>
<main class="card">
<p class="note">Sandbox checkout: no money moves. Razorpay's signed results are played locally.</p>
<h1>{order.credits} credits</h1>
<p class="amount">{escape(format_price(order.amount, order.currency))}</p>
<p class="note">Order {escape(order.gateway_order_id)} · {escape(str(order.status))}</p>
{actions}
</main>
</body>
</html>
"""


def sandbox_routes(settings: Settings) -> list[type[Controller]]:
    """The checkout page exists only while the sandbox is the configured gateway."""
    return [SandboxCheckoutController] if settings.payment_gateway == "sandbox" else []
