"""A refund names the payment it returned money of: only refunds of the payment that granted credits reverse them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("payments", sa.Column("refunded_payment_id", sa.String(100), nullable=True))


def downgrade() -> None:
    op.drop_column("payments", "refunded_payment_id")  # SQLite 3.35+ drops a column in place
