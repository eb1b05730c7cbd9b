"""Accounts and operators: verified e-mail, admins, disabled and deleted accounts, one sign-up bonus, the audit log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Hand-written to match adapters/sqlalchemy/tables.py.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ONE_SIGNUP_BONUS = sa.text("reason = 'signup_bonus'")


def upgrade() -> None:
    op.add_column("users", sa.Column("email_verified", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "uq_credit_ledger_one_signup_bonus",
        "credit_ledger",
        ["user_id"],
        unique=True,
        postgresql_where=ONE_SIGNUP_BONUS,
        sqlite_where=ONE_SIGNUP_BONUS,
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_created_at_id", "audit_log", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_created_at_id", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("uq_credit_ledger_one_signup_bonus", table_name="credit_ledger")
    with op.batch_alter_table("users") as batch:
        for column in ("deleted_at", "disabled_at", "is_admin", "email_verified"):
            batch.drop_column(column)
