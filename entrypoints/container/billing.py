"""Billing: plans, orders, the payment gateway, captures, webhooks, reconciliation and refunds, admin credits."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import providers

from adapters.razorpay.gateway import RazorpayGateway
from adapters.sandbox.gateway import SandboxGateway
from application.use_cases.admin.credits import AdjustCredits
from application.use_cases.admin.refund_order import RefundOrder
from application.use_cases.billing.capture_credits import CaptureCredits
from application.use_cases.billing.create_order import CreateOrder
from application.use_cases.billing.handle_webhook import HandleWebhook
from application.use_cases.billing.plans import AddPlan, DisablePlan, ListPlans
from application.use_cases.billing.read_orders import GetCheckoutOrder, GetOrder, ListOrders
from application.use_cases.billing.reconcile_orders import ReconcileOrders
from application.use_cases.billing.reconcile_refunds import ReconcileRefunds
from application.use_cases.billing.reverse_purchase import ReversePurchase
from application.use_cases.billing.verify_checkout import VerifyCheckout
from entrypoints.container.ports import Ports

# The shared ports under their names in the container.
settings = Ports.settings
clock = Ports.clock
ids = Ports.ids
metrics = Ports.metrics
uow = Ports.uow


class Billing(Ports):
    """The payment gateway and the use cases that move money and credits."""

    adjust_credits = providers.Factory(AdjustCredits, uow.provider, clock, ids)
    payment_gateway = providers.Selector(
        settings.provided.payment_gateway,
        razorpay=providers.Singleton(
            RazorpayGateway,
            settings.provided.razorpay_key_id,
            settings.provided.razorpay_key_secret,
            settings.provided.webhook_secrets,
            settings.provided.razorpay_base_url,
            settings.provided.razorpay_timeout_seconds,
        ),
        # The sandbox's secrets derive from the JWT secret, so every process of a deployment signs alike.
        sandbox=providers.Singleton(SandboxGateway.keyed_by, settings.provided.jwt_secret),
    )
    # Takes the credits back and returns the money through the gateway (after commit, retried by asking again).
    refund_order = providers.Factory(
        RefundOrder, uow.provider, providers.Factory(ReversePurchase, clock, ids), payment_gateway, clock, ids
    )
    list_plans = providers.Factory(ListPlans, uow.provider)
    add_plan = providers.Factory(AddPlan, uow.provider, clock, ids)
    disable_plan = providers.Factory(DisablePlan, uow.provider)
    create_order = providers.Factory(CreateOrder, uow.provider, payment_gateway, clock, ids)
    list_orders = providers.Factory(ListOrders, uow.provider)
    get_order = providers.Factory(GetOrder, uow.provider)
    checkout_order = providers.Factory(GetCheckoutOrder, uow.provider, payment_gateway)
    capture_credits = providers.Factory(CaptureCredits, uow.provider, clock, ids, metrics)
    verify_checkout = providers.Factory(VerifyCheckout, uow.provider, payment_gateway, capture_credits)
    handle_webhook = providers.Factory(
        HandleWebhook,
        uow.provider,
        payment_gateway,
        capture_credits,
        providers.Factory(ReversePurchase, clock, ids),
        clock,
        ids,
        metrics,
    )
    reconcile_orders = providers.Factory(
        ReconcileOrders,
        uow.provider,
        payment_gateway,
        capture_credits,
        clock,
        reconcile_after=providers.Callable(timedelta, seconds=settings.provided.order_reconcile_after_seconds),
        abandon_after=providers.Callable(timedelta, seconds=settings.provided.order_abandon_after_seconds),
        refunds=providers.Factory(
            ReconcileRefunds,
            uow.provider,
            payment_gateway,
            providers.Factory(ReversePurchase, clock, ids),
            clock,
            window=providers.Callable(timedelta, seconds=settings.provided.order_refund_check_seconds),
        ),
    )
