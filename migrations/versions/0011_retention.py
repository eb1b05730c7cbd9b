"""Retention: when a task's images were deleted at the end of the retention period.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

Hand-written to match adapters/sqlalchemy/tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tasks", sa.Column("images_deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("images_deleted_at")
