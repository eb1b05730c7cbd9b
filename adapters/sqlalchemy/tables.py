"""Table definitions: the schema that migrations/versions builds, in SQLAlchemy Core."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    false,
    text,
)

# Stable constraint names: errors are recognised by them, and SQLite batch migrations need them.
metadata = MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime on every backend: SQLite keeps no offset, so UTC goes in and is restored on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A Python None is SQL NULL, not the JSON literal null.
Json = JSON(none_as_null=True)


def unique_where(name: str, *columns: str, where: str) -> Index:
    """A partial unique index, alike on PostgreSQL and SQLite: the rule holds among the rows that match `where`."""
    return Index(name, *columns, unique=True, postgresql_where=text(where), sqlite_where=text(where))


users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("credits", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Accounts and operators (migration 0007).
    Column("email_verified", Boolean, nullable=False, server_default=false()),
    Column("is_admin", Boolean, nullable=False, server_default=false()),
    Column("disabled_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    CheckConstraint("credits >= 0", name="credits_not_negative"),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("family_id", Uuid, nullable=False, index=True),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # No foreign key: rotation marks the old token before the new one is inserted.
    Column("replaced_by", Uuid),
    Column("revoked_at", UtcDateTime),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("metadata", Json, nullable=False),
    Column("operations", Json, nullable=False),
    Column("status", String(16), nullable=False),
    Column("source", Json, nullable=False),
    Column("source_key", Text, nullable=False),
    Column("result", Json),
    Column("result_key", Text),
    Column("error", Text),
    Column("attempts", Integer, nullable=False),
    Column("lease_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime),
    Column("finished_at", UtcDateTime),
    Column("updated_at", UtcDateTime),
    Column("idempotency_key", String(255)),
    Column("fingerprint", String(128)),
    Column("images_deleted_at", UtcDateTime),  # retention (migration 0011)
    UniqueConstraint("owner_id", "idempotency_key"),
    CheckConstraint("status IN ('queued', 'processing', 'completed', 'failed')", name="status_known"),
    Index("ix_tasks_owner_id_created_at_id", "owner_id", "created_at", "id"),
    Index("ix_tasks_status_lease_until", "status", "lease_until"),
)

# Ledger rows outlive deleted tasks and refer to orders by id only, so task_id and order_id have no foreign key.
# A deleted task's Idempotency-Key (migration 0010): a retry within the window must not be charged again.
kept_idempotency_keys = Table(
    "kept_idempotency_keys",
    metadata,
    Column("owner_id", Uuid, primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(128), nullable=False),
    Column("task_id", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

credit_ledger = Table(
    "credit_ledger",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("delta", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("balance_after", Integer, nullable=False),
    Column("task_id", Uuid),
    Column("order_id", Uuid),
    Column("created_at", UtcDateTime, nullable=False),
    # Per user 1, 2, 3… in balance order (migration 0009): created_at ties and clock skew cannot reorder it.
    Column("seq", Integer, nullable=False),
    Index("ix_credit_ledger_user_id_created_at_id", "user_id", "created_at", "id"),
    Index("uq_credit_ledger_user_id_seq", "user_id", "seq", unique=True),
    # A task is charged and refunded once, an order purchased once: partial unique indexes on both backends.
    unique_where(
        "uq_credit_ledger_once_per_task", "reason", "task_id", where="reason IN ('task_charge', 'task_refund')"
    ),
    unique_where("uq_credit_ledger_once_per_order", "reason", "order_id", where="reason = 'purchase'"),
    # The sign-up bonus is granted once, whether at sign-up or at verification (migration 0007).
    unique_where("uq_credit_ledger_one_signup_bonus", "user_id", where="reason = 'signup_bonus'"),
)

# Billing (migration 0002). Plans are seeded by the migration; orders keep their own copy of credits and price.
credit_plans = Table(
    "credit_plans",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("credits", Integer, nullable=False),
    Column("price", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("credits > 0", name="credits_positive"),
    CheckConstraint("price > 0", name="price_positive"),
    unique_where("uq_credit_plans_active_name", "name", where="active"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("plan_id", Uuid, ForeignKey("credit_plans.id"), nullable=False),
    Column("credits", Integer, nullable=False),
    Column("amount", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("gateway", String(32), nullable=False),
    Column("gateway_order_id", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("paid_at", UtcDateTime),
    Column("updated_at", UtcDateTime),
    Column("refunds_checked_at", UtcDateTime),
    UniqueConstraint("gateway", "gateway_order_id"),
    CheckConstraint("status IN ('created', 'paid', 'failed')", name="status_known"),
    Index("ix_orders_user_id_created_at_id", "user_id", "created_at", "id"),
    Index("ix_orders_status_created_at", "status", "created_at"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("order_id", Uuid, ForeignKey("orders.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("gateway_payment_id", String(100), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("currency", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    Column("credits", Integer, nullable=False),
    Column("shortfall", Integer, nullable=False),
    Column("detail", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("refunded_payment_id", String(100)),
    CheckConstraint("kind IN ('captured', 'failed', 'mismatched', 'refunded')", name="kind_known"),
    Index("ix_payments_order_id", "order_id"),
    # One capture per order and one row per refund id: the store settles concurrent deliveries.
    unique_where("uq_payments_one_capture_per_order", "order_id", where="kind = 'captured'"),
    unique_where("uq_payments_once_per_refund", "gateway_payment_id", where="kind = 'refunded'"),
)

# Every delivery, for audit and de-duplication; order_id has no foreign key because unknown orders are recorded too.
webhook_events = Table(
    "webhook_events",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("gateway", String(32), nullable=False),
    Column("event_id", String(255), nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("order_id", Uuid),
    Column("payload", Text, nullable=False),
    Column("deliveries", Integer, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("last_delivery_at", UtcDateTime, nullable=False),
    UniqueConstraint("gateway", "event_id"),
    Index("ix_webhook_events_order_id", "order_id"),
)

# Developer platform (migration 0003). Keys are stored as a keyed hash only; revoked keys stay for the record.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scopes", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Index("ix_api_keys_user_id_created_at_id", "user_id", "created_at", "id"),
)

# Share links (migration 0012): a short random id for visitors; they go with their task (ON DELETE CASCADE).
share_links = Table(
    "share_links",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("task_id", Uuid, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("owner_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("show_original", Boolean, nullable=False),
    Column("revoked_at", UtcDateTime),
    Index("ix_share_links_task_id_created_at", "task_id", "created_at"),
)

# Image capability (migration 0005): a user's named pipelines, at most 50 each (checked under a lock on the user).
presets = Table(
    "presets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("operations", Json, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("owner_id", "name"),
    Index("ix_presets_owner_id_created_at_id", "owner_id", "created_at", "id"),
)

# Operators' actions (migration 0007): append-only, and actor and subject are ids kept as text, with no foreign
# key, so that history outlives what it names.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_audit_log_created_at_id", "created_at", "id"),
)

# Outbound webhooks (migration 0008): endpoints, and the outbox of deliveries written with the change they report.
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("events", Json, nullable=False),
    Column("secret", String(64), nullable=False),
    Column("low_credits_below", Integer, nullable=False),
    Column("failure_streak", Integer, nullable=False),
    Column("disabled_at", UtcDateTime),
    Column("disabled_reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_webhook_endpoints_user_id_created_at_id", "user_id", "created_at", "id"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("endpoint_id", Uuid, ForeignKey("webhook_endpoints.id"), nullable=False),
    Column("event", String(32), nullable=False),
    Column("body", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status_known"),
    Index("ix_webhook_deliveries_endpoint_id_created_at_id", "endpoint_id", "created_at", "id"),
    Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
)

# An operator's refund of an order's money: written with the credits' reversal, sent to the gateway after commit.
money_refunds = Table(
    "money_refunds",
    metadata,
    Column("order_id", Uuid, ForeignKey("orders.id"), primary_key=True),
    Column("payment_id", String(100), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("currency", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("gateway_refund_id", String(100), unique=True),
    Column("sending_until", UtcDateTime),
    Column("last_error", Text),
)
