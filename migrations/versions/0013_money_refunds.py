"""Money refunds: an operator's refund of an order's money, recorded with the credits' reversal, sent after commit.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02

Hand-written to match adapters/sqlalchemy/tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "money_refunds",
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.String(100), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("gateway_refund_id", sa.String(100), nullable=True),
        sa.Column("sending_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("order_id", name="pk_money_refunds"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name="fk_money_refunds_order_id_orders"),
        sa.UniqueConstraint("gateway_refund_id", name="uq_money_refunds_gateway_refund_id"),
    )


def downgrade() -> None:
    op.drop_table("money_refunds")
