"""Outbound webhooks: endpoints, the address guard and sender, dispatch and delivery."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import providers

from adapters.taskiq.queue import DELIVER_WEBHOOK, TaskiqTaskQueue
from adapters.webhooks.guard import AddressGuard
from adapters.webhooks.sender import HttpxWebhookSender
from application.use_cases.webhooks.deliver import DeliverWebhook, DispatchWebhooks
from application.use_cases.webhooks.endpoints import (
    CreateWebhookEndpoint,
    DeleteWebhookEndpoint,
    ListDeliveries,
    ListWebhookEndpoints,
)
from domain.outbound_webhooks import RetryPolicy
from entrypoints.container.ports import Ports
from entrypoints.settings import Settings

# The shared ports under their names in the container.
settings = Ports.settings
clock = Ports.clock
ids = Ports.ids
uow = Ports.uow
broker = Ports.broker
secrets = Ports.secrets


def _retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        first=timedelta(seconds=settings.webhook_retry_first_seconds),
        cap=timedelta(seconds=settings.webhook_retry_max_seconds),
        window=timedelta(seconds=settings.webhook_retry_window_seconds),
        disable_after=settings.webhook_disable_after_failures,
    )


def _dispatch_hold(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.webhook_timeout_seconds * 3 + 30)


def _allow_http(settings: Settings) -> bool:
    return settings.env == "development"


class Webhooks(Ports):
    """The outbound webhooks' adapters and use cases."""

    target_guard = providers.Singleton(
        AddressGuard,
        allow_http=providers.Callable(_allow_http, settings),
        allow_private=settings.provided.webhook_allow_private_targets,
    )
    webhook_sender = providers.Singleton(HttpxWebhookSender, target_guard, settings.provided.webhook_timeout_seconds)
    delivery_queue = providers.Singleton(TaskiqTaskQueue, broker, task_name=DELIVER_WEBHOOK)
    create_webhook_endpoint = providers.Factory(CreateWebhookEndpoint, uow.provider, secrets, target_guard, clock, ids)
    list_webhook_endpoints = providers.Factory(ListWebhookEndpoints, uow.provider)
    delete_webhook_endpoint = providers.Factory(DeleteWebhookEndpoint, uow.provider)
    list_deliveries = providers.Factory(ListDeliveries, uow.provider)
    dispatch_webhooks = providers.Factory(
        DispatchWebhooks,
        uow.provider,
        delivery_queue,
        clock,
        # A claimed delivery whose job was lost is due again after the longest attempt and a margin.
        hold=providers.Callable(_dispatch_hold, settings),
    )
    deliver_webhook = providers.Factory(
        DeliverWebhook,
        uow.provider,
        webhook_sender,
        target_guard,
        clock,
        providers.Callable(_retry_policy, settings),
    )
