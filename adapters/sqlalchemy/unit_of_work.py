"""The SQL unit of work: one pooled connection, one transaction, rolled back unless commit() is called.

A Core connection, not an ORM session: every repository runs Core statements only, and a session's unit of
work, identity map and ORM execution path cost about as much CPU as the handful of statements of a request.
Whatever SQLAlchemy raises inside it leaves as the domain's error (failures.py), so no caller knows the library.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.api_keys import SqlApiKeyRepository
from adapters.sqlalchemy.failures import database_errors, domain_error_of
from adapters.sqlalchemy.audit_repository import SqlAuditLogRepository
from adapters.sqlalchemy.billing_repositories import (
    SqlOrderRepository,
    SqlPaymentRepository,
    SqlPlanRepository,
    SqlWebhookEventRepository,
)
from adapters.sqlalchemy.credits import SqlCreditRepository
from adapters.sqlalchemy.execute import unique_rules
from adapters.sqlalchemy.money_refunds import SqlMoneyRefundRepository
from adapters.sqlalchemy.outbound_webhooks import SqlDeliveryRepository, SqlWebhookEndpointRepository
from adapters.sqlalchemy.presets import SqlPresetRepository
from adapters.sqlalchemy.refresh_tokens import SqlRefreshTokenRepository
from adapters.sqlalchemy.share_links import SqlShareLinkRepository
from adapters.sqlalchemy.tasks import SqlTaskRepository
from adapters.sqlalchemy.users import SqlUserRepository
from domain.errors import DomainError


class SqlUnitOfWork:
    def __init__(self, engine: AsyncEngine, statement_engine: AsyncEngine | None = None) -> None:
        self.engine = engine
        self.statement_engine = statement_engine  # connections whose statements commit alone; None: not offered

    def single_statement(self) -> SqlUnitOfWork:
        return self if self.statement_engine is None else SqlUnitOfWork(self.statement_engine)

    async def __aenter__(self) -> SqlUnitOfWork:
        async with database_errors():  # a refused connection is DatabaseUnavailable
            self.connection = await self.engine.connect()  # the transaction begins with the first statement
        self.users = SqlUserRepository(self.connection)
        self.credits = SqlCreditRepository(self.connection)
        self.tasks = SqlTaskRepository(self.connection)
        self.refresh_tokens = SqlRefreshTokenRepository(self.connection)
        self.plans = SqlPlanRepository(self.connection)
        self.orders = SqlOrderRepository(self.connection)
        self.payments = SqlPaymentRepository(self.connection)
        self.webhook_events = SqlWebhookEventRepository(self.connection)
        self.api_keys = SqlApiKeyRepository(self.connection)
        self.presets = SqlPresetRepository(self.connection)
        self.audit = SqlAuditLogRepository(self.connection)
        self.webhook_endpoints = SqlWebhookEndpointRepository(self.connection)
        self.deliveries = SqlDeliveryRepository(self.connection)
        self.share_links = SqlShareLinkRepository(self.connection)
        self.money_refunds = SqlMoneyRefundRepository(self.connection)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            async with database_errors():
                try:
                    await self.rollback()
                finally:
                    await self.connection.close()
        except DomainError:
            if exc is None:
                raise
            # The block's own failure is the one to report; a dead connection fails the rollback too.
        if isinstance(exc, SQLAlchemyError) and (error := domain_error_of(exc)) is not None:
            raise error from exc

    async def commit(self) -> None:
        async with database_errors(), unique_rules(self.connection):
            await self.connection.commit()

    async def rollback(self) -> None:
        async with database_errors():
            await self.connection.rollback()


def statement_engine(engine: AsyncEngine) -> AsyncEngine | None:
    """The engine in autocommit, for single-statement units of work: PostgreSQL only. (SQLite's writers are
    serialised by a BEGIN IMMEDIATE on every transaction, which an autocommit connection would leave open.)"""
    if engine.dialect.name != "postgresql":
        return None
    return engine.execution_options(isolation_level="AUTOCOMMIT")
