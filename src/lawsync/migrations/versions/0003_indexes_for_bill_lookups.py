"""indexes for bill lookups

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 13:15:48.904337
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("bill_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bill_lines_bill_id"), ["bill_id"], unique=False)

    with op.batch_alter_table("client_funds_transactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_funds_transactions_payment_id"), ["payment_id"], unique=False
        )

    with op.batch_alter_table("expense_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expense_entries_bill_id"), ["bill_id"], unique=False)

    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_time_entries_bill_id"), ["bill_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("time_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_entries_bill_id"))

    with op.batch_alter_table("expense_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expense_entries_bill_id"))

    with op.batch_alter_table("client_funds_transactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_funds_transactions_payment_id"))

    with op.batch_alter_table("bill_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bill_lines_bill_id"))
