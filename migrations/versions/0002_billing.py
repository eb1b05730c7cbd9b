"""Billing: credit plans (with the default plans seeded), orders, payments and webhook events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-01-02

Hand-written to match adapters/sqlalchemy/tables.py. The seeded plans are written out here rather than imported
from domain/plans.py: a migration must keep meaning what it meant when it ran first.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ACTIVE = sa.text("active")
CAPTURED = sa.text("kind = 'captured'")
REFUNDED = sa.text("kind = 'refunded'")

SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)
DEFAULT_PLANS = [
    {"id": uuid.UUID("7a3c5a10-52f1-4f5e-9c3b-5b1e00000050"), "name": "Starter", "credits": 50, "price": 9_900},
    {"id": uuid.UUID("7a3c5a10-52f1-4f5e-9c3b-5b1e00000200"), "name": "Standard", "credits": 200, "price": 29_900},
    {"id": uuid.UUID("7a3c5a10-52f1-4f5e-9c3b-5b1e00001000"), "name": "Pro", "credits": 1000, "price": 99_900},
]


def upgrade() -> None:
    plans = op.create_table(
        "credit_plans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_credit_plans"),
        sa.CheckConstraint("credits > 0", name=op.f("ck_credit_plans_credits_positive")),
        sa.CheckConstraint("price > 0", name=op.f("ck_credit_plans_price_positive")),
    )
    op.create_index(
        "uq_credit_plans_active_name",
        "credit_plans",
        ["name"],
        unique=True,
        postgresql_where=ACTIVE,
        sqlite_where=ACTIVE,
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("gateway", sa.String(32), nullable=False),
        sa.Column("gateway_order_id", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_orders_user_id_users"),
        sa.ForeignKeyConstraint(["plan_id"], ["credit_plans.id"], name="fk_orders_plan_id_credit_plans"),
        sa.UniqueConstraint("gateway", "gateway_order_id", name="uq_orders_gateway_gateway_order_id"),
        sa.CheckConstraint("status IN ('created', 'paid', 'failed')", name=op.f("ck_orders_status_known")),
    )
    op.create_index("ix_orders_user_id_created_at_id", "orders", ["user_id", "created_at", "id"])
    op.create_index("ix_orders_status_created_at", "orders", ["status", "created_at"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("gateway_payment_id", sa.String(100), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("shortfall", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_payments_order_id_orders"),
        sa.CheckConstraint(
            "kind IN ('captured', 'failed', 'mismatched', 'refunded')", name=op.f("ck_payments_kind_known")
        ),
    )
    op.create_index("ix_payments_order_id", "payments", ["order_id"])
    op.create_index(
        "uq_payments_one_capture_per_order",
        "payments",
        ["order_id"],
        unique=True,
        postgresql_where=CAPTURED,
        sqlite_where=CAPTURED,
    )
    op.create_index(
        "uq_payments_once_per_refund",
        "payments",
        ["gateway_payment_id"],
        unique=True,
        postgresql_where=REFUNDED,
        sqlite_where=REFUNDED,
    )
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("gateway", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_delivery_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_webhook_events"),
        sa.UniqueConstraint("gateway", "event_id", name="uq_webhook_events_gateway_event_id"),
    )
    op.create_index("ix_webhook_events_order_id", "webhook_events", ["order_id"])
    op.bulk_insert(
        plans,
        [{**plan, "currency": "INR", "active": True, "created_at": SEEDED_AT} for plan in DEFAULT_PLANS],
    )


def downgrade() -> None:
    op.drop_table("webhook_events")
    op.drop_table("payments")
    op.drop_table("orders")
    op.drop_table("credit_plans")
