"""Share links: short random ids stored with their task, owner, expiry and revocation.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02

Hand-written to match adapters/sqlalchemy/tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("show_original", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_share_links"),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name="fk_share_links_task_id_tasks", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_share_links_owner_id_users"),
    )
    op.create_index("ix_share_links_task_id_created_at", "share_links", ["task_id", "created_at"])


def downgrade() -> None:
    op.drop_table("share_links")
