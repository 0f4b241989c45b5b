"""one number per cheque in a client funds account

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:05:00.000000

Marks reversed transactions (a reversed cheque gives its number back) and adds the partial unique
index on (firm, account, cheque number) over live numbered cheques. Books that already hold a
duplicate keep working without the index: `lawsync check` lists the duplicates, and
`lawsync migrate` builds the index once they are reversed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from lawsync.practice.cheque_numbers import INDEX_NAME, ensure_unique_index

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client_funds_transactions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reversed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        "UPDATE client_funds_transactions SET reversed = TRUE WHERE id IN "
        "(SELECT reverses_id FROM client_funds_transactions WHERE reverses_id IS NOT NULL)"
    )
    ensure_unique_index(op.get_bind())


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
    with op.batch_alter_table("client_funds_transactions", schema=None) as batch_op:
        batch_op.drop_column("reversed")
