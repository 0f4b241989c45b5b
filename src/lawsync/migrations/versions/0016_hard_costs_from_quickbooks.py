"""hard costs recorded in QuickBooks come into the ledger: the settings, and each entry's payee

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 23:00:00.000000

Nothing is imported until an administrator turns the import on and names the company's account
whose lines are the firm's reimbursable costs. An imported expense entry keeps its vendor as the
payee (entries typed in lawsync have none).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SETTINGS = ("hard_costs_account", "hard_costs_start_date", "import_hard_costs")


def upgrade() -> None:
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("import_hard_costs", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("hard_costs_start_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("hard_costs_account", sa.String(length=40), nullable=True))
    with op.batch_alter_table("expense_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("payee", sa.String(length=200), nullable=False, server_default="")
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # In place: copying a table that others point at could cascade deletes (see 0010).
        op.execute("ALTER TABLE expense_entries DROP COLUMN payee")
        for column in SETTINGS:
            op.execute(f"ALTER TABLE sync_settings DROP COLUMN {column}")
        return
    with op.batch_alter_table("expense_entries", schema=None) as batch_op:
        batch_op.drop_column("payee")
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        for column in SETTINGS:
            batch_op.drop_column(column)
