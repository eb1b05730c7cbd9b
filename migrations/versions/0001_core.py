"""Core tables: users, refresh tokens, tasks and the credit ledger.

Revision ID: 0001
Revises:
Create Date: 2026-01-01

Hand-written to match adapters/sqlalchemy/tables.py; every constraint is named, as tables.py names them.
op.f() marks a name as final, so that the naming convention of the target metadata is not applied twice.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ONCE_PER_TASK = sa.text("reason IN ('task_charge', 'task_refund')")
ONCE_PER_ORDER = sa.text("reason = 'purchase'")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("email", name="uq_users_email"),
        sa.CheckConstraint("credits >= 0", name=op.f("ck_users_credits_not_negative")),
    )
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_refresh_tokens"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_refresh_tokens_user_id_users"),
        sa.UniqueConstraint("token_hash", name="uq_refresh_tokens_token_hash"),
    )
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])
    op.create_table(
        "tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=False),
        sa.Column("operations", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("source_key", sa.Text(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("result_key", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("fingerprint", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_tasks"),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name="fk_tasks_owner_id_users"),
        sa.UniqueConstraint("owner_id", "idempotency_key", name="uq_tasks_owner_id_idempotency_key"),
        sa.CheckConstraint(
            "status IN ('queued', 'processing', 'completed', 'failed')", name=op.f("ck_tasks_status_known")
        ),
    )
    op.create_index("ix_tasks_owner_id_created_at_id", "tasks", ["owner_id", "created_at", "id"])
    op.create_index("ix_tasks_status_lease_until", "tasks", ["status", "lease_until"])
    op.create_table(
        "credit_ledger",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_credit_ledger"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_credit_ledger_user_id_users"),
    )
    op.create_index("ix_credit_ledger_user_id_created_at_id", "credit_ledger", ["user_id", "created_at", "id"])
    op.create_index(
        "uq_credit_ledger_once_per_task",
        "credit_ledger",
        ["reason", "task_id"],
        unique=True,
        postgresql_where=ONCE_PER_TASK,
        sqlite_where=ONCE_PER_TASK,
    )
    op.create_index(
        "uq_credit_ledger_once_per_order",
        "credit_ledger",
        ["reason", "order_id"],
        unique=True,
        postgresql_where=ONCE_PER_ORDER,
        sqlite_where=ONCE_PER_ORDER,
    )


def downgrade() -> None:
    op.drop_table("credit_ledger")
    op.drop_table("tasks")
    op.drop_table("refresh_tokens")
    op.drop_table("users")
