"""client funds to the accounting side: the settings, and which accounts each trust account posts to

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 20:30:00.000000

Nothing is exported until an administrator turns the export on and maps a trust account to its
bank and liability accounts in the connected company (per connection: account ids belong to one
company).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "export_client_funds", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("client_funds_start_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("cheque_printing", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("journal_prefix", sa.String(length=10), nullable=False, server_default="")
        )
    op.create_table(
        "sync_client_funds_accounts",
        sa.Column("id", ID, nullable=False),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("bank_account", sa.String(length=40), nullable=False),
        sa.Column("liability_account", sa.String(length=40), nullable=False),
        sa.Column("firm_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_client_funds_accounts_connection_id_qbo_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["client_funds_accounts.id"],
            name=op.f("fk_sync_client_funds_accounts_account_id_client_funds_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_client_funds_accounts_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_client_funds_accounts")),
        sa.UniqueConstraint("connection_id", "account_id", name="uq_sync_client_funds_account"),
    )
    with op.batch_alter_table("sync_client_funds_accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_client_funds_accounts_firm_id"), ["firm_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("sync_client_funds_accounts")
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.drop_column("journal_prefix")
        batch_op.drop_column("cheque_printing")
        batch_op.drop_column("client_funds_start_date")
        batch_op.drop_column("export_client_funds")
