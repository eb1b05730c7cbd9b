"""The unit of work: one transaction, rolled back unless commit() is called."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol

from application.ports.api_keys import ApiKeyRepository
from application.ports.presets import PresetRepository
from application.ports.share_links import ShareLinkRepository
from application.ports.audit_log import AuditLogRepository
from application.ports.money_refunds import MoneyRefundRepository
from application.ports.deliveries import DeliveryRepository
from application.ports.webhook_endpoints import WebhookEndpointRepository
from application.ports.repositories import (
    CreditRepository,
    OrderRepository,
    PaymentRepository,
    PlanRepository,
    RefreshTokenRepository,
    TaskRepository,
    UserRepository,
    WebhookEventRepository,
)


class UnitOfWork(Protocol):
    users: UserRepository
    credits: CreditRepository
    tasks: TaskRepository
    refresh_tokens: RefreshTokenRepository
    plans: PlanRepository
    orders: OrderRepository
    payments: PaymentRepository
    webhook_events: WebhookEventRepository
    api_keys: ApiKeyRepository
    presets: PresetRepository
    audit: AuditLogRepository
    webhook_endpoints: WebhookEndpointRepository
    deliveries: DeliveryRepository
    share_links: ShareLinkRepository
    money_refunds: MoneyRefundRepository

    def single_statement(self) -> UnitOfWork:
        """A unit of work for work that is one statement (a conditional update that settles a race alone): where
        the store can, that statement commits by itself, without the BEGIN and COMMIT round trips around it."""
        ...

    async def __aenter__(self) -> UnitOfWork:
        """Begin a transaction."""
        ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None:
        """Make the work durable; raises DuplicateRecord when a unique rule was hit."""
        ...

    async def rollback(self) -> None:
        """Discard the work."""
        ...
