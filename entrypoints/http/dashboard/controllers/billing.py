"""Buying credits: the plans as cards, the gateway's checkout (Razorpay Checkout or the sandbox page), the orders."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from application.use_cases.billing.create_order import CreateOrder
from application.use_cases.billing.plans import ListPlans
from application.use_cases.billing.read_orders import GetOrder, ListOrders
from application.use_cases.billing.verify_checkout import VerifyCheckout, VerifyCheckoutCommand
from domain.errors import FieldError, ValidationFailed
from domain.users import User
from entrypoints.http.dashboard.views import page, see_other
from entrypoints.http.schemas.billing import OrderOut, PlanOut
from entrypoints.http.security_headers import CHECKOUT_HEADERS

Form = Body(media_type=RequestEncodingType.URL_ENCODED)
RECENT_ORDERS = 10


class BuyController(Controller):

    @get("/buy", summary="Buy credits: the plans")
    async def plans(self, request: Request[Any, Any, Any], viewer: User, list_plans: ListPlans, list_orders: ListOrders) -> Template:
        """The plans as cards, and the latest orders."""
        plans = [PlanOut.of(plan) for plan in await list_plans()]
        orders = [OrderOut.of(order) for order in (await list_orders(viewer.id, RECENT_ORDERS, None)).items]
        names = {plan.id: plan.name for plan in await list_plans(include_inactive=True)}
        return page(request, "buy.html.j2", viewer, plans=plans, orders=orders, plan_names=names)

    @post("/buy", summary="Order a plan and open its checkout")
    async def buy(
        self, request: Request[Any, Any, Any], viewer: User, data: Annotated[dict[str, Any], Form], create_order: CreateOrder
    ) -> Template | Redirect:
        """The sandbox's checkout page, or Razorpay Checkout opened on this page; both come back to the order."""
        try:
            plan_id = UUID(str(data.get("plan_id", "")))
        except ValueError:
            raise ValidationFailed(FieldError("plan_id", "choose one of the plans")) from None
        placed = await create_order(viewer.id, plan_id)
        order_page = f"/orders/{placed.order.id}"
        if placed.checkout.checkout_url:
            return see_other(f"{placed.checkout.checkout_url}?{urlencode({'return_to': order_page})}")
        checkout = page(request, "checkout.html.j2", viewer, order=OrderOut.of(placed.order),
                        checkout=placed.checkout, order_page=order_page)
        checkout.headers.update(CHECKOUT_HEADERS)  # the one page that opens Razorpay Checkout may load it
        return checkout

    @get("/orders/{order_id:uuid}", summary="One order")
    async def order(
        self, request: Request[Any, Any, Any], order_id: UUID, viewer: User, get_order: GetOrder, list_plans: ListPlans
    ) -> Template:
        """Where checkout comes back to: paid (and the balance shows it), failed, or still waiting."""
        order = OrderOut.of(await get_order(viewer.id, order_id))
        names = {plan.id: plan.name for plan in await list_plans(include_inactive=True)}
        return page(request, "order.html.j2", viewer, order=order, plan_name=names.get(order.plan_id, "A plan"))

    @post("/orders/{order_id:uuid}/verify", summary="Razorpay Checkout's signed result")
    async def verify(
        self, order_id: UUID, viewer: User, data: Annotated[dict[str, Any], Form], verify_checkout: VerifyCheckout
    ) -> Redirect:
        """Checkout's handler posts here; a valid signature pays the order and grants its credits (once)."""
        await verify_checkout(
            VerifyCheckoutCommand(
                user_id=viewer.id,
                order_id=order_id,
                gateway_order_id=str(data.get("razorpay_order_id", "")),
                payment_id=str(data.get("razorpay_payment_id", "")),
                signature=str(data.get("razorpay_signature", "")),
            )
        )
        return see_other(f"/orders/{order_id}")
