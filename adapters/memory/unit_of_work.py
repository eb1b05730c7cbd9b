"""An in-memory unit of work: serialised by one lock, rolled back from a snapshot."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field
from types import TracebackType
from uuid import UUID

from adapters.memory.api_keys import MemoryApiKeyRepository
from adapters.memory.presets import MemoryPresetRepository
from adapters.memory.share_links import MemoryShareLinkRepository
from adapters.memory.money_refunds import MemoryMoneyRefundRepository
from adapters.memory.audit import MemoryAuditLogRepository
from adapters.memory.outbound_webhooks import MemoryDeliveryRepository, MemoryWebhookEndpointRepository
from adapters.memory.state import MemoryState
from adapters.memory.billing import (
    MemoryOrderRepository,
    MemoryPaymentRepository,
    MemoryPlanRepository,
    MemoryWebhookEventRepository,
)
from adapters.memory.repositories import (
    MemoryCreditRepository,
    MemoryRefreshTokenRepository,
    MemoryTaskRepository,
    MemoryUserRepository,
)
from domain.api_keys import ApiKey
from domain.errors import DatabaseUnavailable
from domain.presets import Preset
from domain.audit import AuditEntry
from domain.credits import LedgerEntry
from domain.orders import Order, Payment
from domain.outbound_webhooks import Delivery, WebhookEndpoint
from domain.plans import Plan
from domain.sessions import RefreshToken
from domain.tasks import KeptKey, Task
from domain.users import User
from domain.webhooks import WebhookEvent


BILLING = ("plans", "orders", "payments", "webhook_events", "money_refunds")
DEVELOPER = ("api_keys", "webhook_endpoints", "deliveries")
IMAGING = ("presets", "share_links")


class MemoryDatabase:
    """What a database server would be: state plus a writer lock (SQLite-like serialisation)."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.lock = asyncio.Lock()
        self.reachable = True  # False: every unit of work fails as a database that refuses connections


class MemoryUnitOfWork:
    def __init__(self, database: MemoryDatabase) -> None:
        self.database = database
        self._snapshot: MemoryState | None = None
        self._bind(database.state)

    def _bind(self, state: MemoryState) -> None:
        # A broken unique rule undoes the whole unit of work, as it aborts a database transaction.
        self.users = MemoryUserRepository(state, self._restore)
        self.credits = MemoryCreditRepository(state, self._restore)
        self.tasks = MemoryTaskRepository(state, self._restore)
        self.refresh_tokens = MemoryRefreshTokenRepository(state, self._restore)
        self.plans = MemoryPlanRepository(state, self._restore)
        self.orders = MemoryOrderRepository(state, self._restore)
        self.payments = MemoryPaymentRepository(state, self._restore)
        self.webhook_events = MemoryWebhookEventRepository(state, self._restore)
        self.api_keys = MemoryApiKeyRepository(state)
        self.presets = MemoryPresetRepository(state, self._restore)
        self.audit = MemoryAuditLogRepository(state)
        self.webhook_endpoints = MemoryWebhookEndpointRepository(state)
        self.deliveries = MemoryDeliveryRepository(state)
        self.share_links = MemoryShareLinkRepository(state)
        self.money_refunds = MemoryMoneyRefundRepository(state, self._restore)

    def single_statement(self) -> MemoryUnitOfWork:
        return self  # every unit of work is all or nothing here anyway

    async def __aenter__(self) -> MemoryUnitOfWork:
        if not self.database.reachable:
            raise DatabaseUnavailable()
        await self.database.lock.acquire()
        self._snapshot = copy.deepcopy(self.database.state)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.rollback()
        finally:
            self.database.lock.release()

    async def commit(self) -> None:
        self._snapshot = copy.deepcopy(self.database.state)

    async def rollback(self) -> None:
        self._restore()

    def _restore(self) -> None:
        if self._snapshot is not None:
            state = self.database.state
            for name in ("users", "ledger", "tasks", "kept_keys", "refresh_tokens", "audit", *BILLING, *DEVELOPER, *IMAGING):
                setattr(state, name, getattr(self._snapshot, name))
            self._snapshot = copy.deepcopy(state)
