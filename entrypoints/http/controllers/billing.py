"""Billing routes: plans, orders, checkout verification and the Razorpay webhook."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.openapi import ResponseSpec
from litestar.params import HeaderParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from application.use_cases.billing.create_order import CreateOrder
from application.use_cases.billing.handle_webhook import HandleWebhook, WebhookDelivery
from application.use_cases.billing.plans import ListPlans
from application.use_cases.billing.read_orders import GetOrder, ListOrders
from application.use_cases.billing.verify_checkout import VerifyCheckout, VerifyCheckoutCommand
from entrypoints.http.auth import PUBLIC, SCOPE
from entrypoints.http.controllers.credits import Cursor, Limit
from entrypoints.http.links import absolute_url
from entrypoints.settings import Settings
from entrypoints.http.schemas.billing import (
    OrderBody,
    OrderOut,
    OrderPage,
    PlacedOrderOut,
    PlanOut,
    Problem,
    VerifyBody,
    WebhookAck,
)


Signature = Annotated[
    str | None, HeaderParameter(name="X-Razorpay-Signature", required=False, description="HMAC-SHA256 of the raw body")
]
EventId = Annotated[
    str | None, HeaderParameter(name="X-Razorpay-Event-Id", required=False, description="The event's unique id")
]


def problems(descriptions: dict[int, str]) -> dict[int, ResponseSpec]:
    """Document error answers as what they are: application/problem+json."""
    return {
        status: ResponseSpec(data_container=Problem, media_type="application/problem+json", description=description)
        for status, description in descriptions.items()
    }


class PlansController(Controller):
    path = "/plans"
    tags = ["billing"]

    @get("/", opt={PUBLIC: True}, summary="Credit plans for sale (no auth)")
    async def plans(self, list_plans: ListPlans) -> list[PlanOut]:
        """Active plans, cheapest first; prices in minor units (paise)."""
        return [PlanOut.of(plan) for plan in await list_plans()]


class OrdersController(Controller):
    path = "/orders"
    opt = {SCOPE: "billing"}  # API keys need billing:read or billing:write
    tags = ["billing"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        summary="Order a plan",
        responses=problems({404: "Unknown or disabled plan", 502: "The payment gateway failed; nothing was stored"}),
    )
    async def create(
        self, request: Request[Any, Any, Any], data: OrderBody, create_order: CreateOrder, user_id: UUID, settings: Settings
    ) -> PlacedOrderOut:
        """A `created` order plus `checkout`: what the client needs to open the gateway's checkout."""
        placed = await create_order(user_id, data.plan_id)
        checkout = placed.checkout.to_dict()
        if isinstance(url := checkout.get("checkout_url"), str) and url.startswith("/"):
            checkout["checkout_url"] = absolute_url(request, settings.public_url, url)
        return PlacedOrderOut.placed(placed, checkout)

    @get("/", summary="List orders, newest first")
    async def list(self, list_orders: ListOrders, user_id: UUID, limit: Limit = 20, cursor: Cursor = None) -> OrderPage:
        """The user's orders."""
        return OrderPage.of(await list_orders(user_id, limit, cursor))

    @get("/{order_id:uuid}", summary="One order")
    async def read(self, order_id: UUID, get_order: GetOrder, user_id: UUID) -> OrderOut:
        """The order and its status; another user's is 404."""
        return OrderOut.of(await get_order(user_id, order_id))

    @post(
        "/{order_id:uuid}/verify",
        status_code=HTTP_200_OK,
        summary="Verify Checkout's signed payment result",
        responses=problems(
            {
                400: "Wrong signature, or another order's gateway id: nothing changed",
                409: "The payment is not captured (failed, refunded, or could not be captured): nothing granted",
                502: "The payment gateway could not be asked about the payment: nothing granted",
            }
        ),
    )
    async def verify(
        self, order_id: UUID, data: VerifyBody, verify_checkout: VerifyCheckout, user_id: UUID
    ) -> OrderOut:
        """The order, paid and credited (once); 400 for a wrong signature or another order's gateway id.

        The payment is fetched from the gateway: captured grants; authorized is captured first; others are 409.
        """
        command = VerifyCheckoutCommand(
            user_id=user_id,
            order_id=order_id,
            gateway_order_id=data.razorpay_order_id,
            payment_id=data.razorpay_payment_id,
            signature=data.razorpay_signature,
        )
        return OrderOut.of(await verify_checkout(command))


class WebhooksController(Controller):
    path = "/webhooks"
    tags = ["billing"]

    @post(
        "/razorpay",
        status_code=HTTP_200_OK,
        opt={PUBLIC: True},
        summary="Razorpay webhook (no auth)",
        responses=problems({400: "Missing or wrong signature, or a signed body that is not an event: nothing changed"}),
    )
    async def razorpay(
        self,
        request: Request[Any, Any, Any],
        handle_webhook: HandleWebhook,
        signature: Signature = None,
        event_id: EventId = None,
    ) -> WebhookAck:
        """The raw event, signed in X-Razorpay-Signature; 400 and no change when the signature is wrong or missing."""
        body = await request.body()  # the raw bytes: the signature covers them exactly as sent
        await handle_webhook(WebhookDelivery(body, signature, event_id))
        return WebhookAck()
