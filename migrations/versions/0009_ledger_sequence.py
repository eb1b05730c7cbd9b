"""The ledger gets a per-user sequence, 1, 2, 3… in the order the balance moved.

(created_at, id) could disagree with balance_after under concurrency; seq cannot, because it is taken while the
user's row is locked. Existing rows are numbered by (created_at, id), the order they were listed in until now.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NUMBER_EXISTING_ROWS = """
UPDATE credit_ledger SET seq = (
    SELECT count(*) FROM credit_ledger AS earlier
    WHERE earlier.user_id = credit_ledger.user_id
      AND (earlier.created_at < credit_ledger.created_at
           OR (earlier.created_at = credit_ledger.created_at AND earlier.id <= credit_ledger.id))
)
"""


def upgrade() -> None:
    op.add_column("credit_ledger", sa.Column("seq", sa.Integer(), nullable=True))
    op.execute(NUMBER_EXISTING_ROWS)
    with op.batch_alter_table("credit_ledger") as batch:  # SQLite rebuilds the table to make a column NOT NULL
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
    op.create_index("uq_credit_ledger_user_id_seq", "credit_ledger", ["user_id", "seq"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_credit_ledger_user_id_seq", table_name="credit_ledger")
    with op.batch_alter_table("credit_ledger") as batch:
        batch.drop_column("seq")
