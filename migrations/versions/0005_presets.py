"""Presets: a user's named pipelines, unique by (owner, name).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Hand-written to match adapters/sqlalchemy/tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("operations", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_presets"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_presets_owner_id_users", ondelete="CASCADE"),
        sa.UniqueConstraint("owner_id", "name", name="uq_presets_owner_id_name"),
    )
    op.create_index("ix_presets_owner_id_created_at_id", "presets", ["owner_id", "created_at", "id"])


def downgrade() -> None:
    op.drop_table("presets")
