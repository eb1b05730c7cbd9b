"""The SQL unit of work: one session, one transaction, rolled back unless commit() is called."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from adapters.sqlalchemy.api_keys import SqlApiKeyRepository
from adapters.sqlalchemy.presets import SqlPresetRepository
from adapters.sqlalchemy.share_links import SqlShareLinkRepository
from adapters.sqlalchemy.audit_repository import SqlAuditLogRepository
from adapters.sqlalchemy.outbound_webhooks import SqlDeliveryRepository, SqlWebhookEndpointRepository
from adapters.sqlalchemy.billing_repositories import (
    SqlOrderRepository,
    SqlPaymentRepository,
    SqlPlanRepository,
    SqlWebhookEventRepository,
)
from adapters.sqlalchemy.repositories import (
    SqlCreditRepository,
    SqlRefreshTokenRepository,
    SqlTaskRepository,
    SqlUserRepository,
    unique_rules,
)


class SqlUnitOfWork:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        statement_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.statement_sessions = statement_sessions  # sessions whose statements commit alone; None: not offered

    def single_statement(self) -> SqlUnitOfWork:
        return self if self.statement_sessions is None else SqlUnitOfWork(self.statement_sessions)

    async def __aenter__(self) -> SqlUnitOfWork:
        self.session = self.session_factory()
        self.users = SqlUserRepository(self.session)
        self.credits = SqlCreditRepository(self.session)
        self.tasks = SqlTaskRepository(self.session)
        self.refresh_tokens = SqlRefreshTokenRepository(self.session)
        self.plans = SqlPlanRepository(self.session)
        self.orders = SqlOrderRepository(self.session)
        self.payments = SqlPaymentRepository(self.session)
        self.webhook_events = SqlWebhookEventRepository(self.session)
        self.api_keys = SqlApiKeyRepository(self.session)
        self.presets = SqlPresetRepository(self.session)
        self.audit = SqlAuditLogRepository(self.session)
        self.webhook_endpoints = SqlWebhookEndpointRepository(self.session)
        self.deliveries = SqlDeliveryRepository(self.session)
        self.share_links = SqlShareLinkRepository(self.session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            await self.rollback()
        finally:
            await self.session.close()

    async def commit(self) -> None:
        async with unique_rules(self.session):
            await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


def statement_sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession] | None:
    """Sessions in autocommit, for single-statement units of work: PostgreSQL only. (SQLite's writers are serialised
    by a BEGIN IMMEDIATE on every transaction, which an autocommit connection would leave open.)"""
    if engine.dialect.name != "postgresql":
        return None
    return async_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
