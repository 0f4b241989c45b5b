"""opening balances: what each client held in a trust account before the client funds start date;
a sub-account of the trust liability account per client, when the firm asks for them

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:00:00.000000

One row per connection, trust account and client, kept by each pass from the ledger; its journal
entry, dated the start date, makes the company's per-client balances agree from the first day.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("trust_subledgers", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "sync_client_funds_openings",
        sa.Column("id", ID, nullable=False),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("firm_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_client_funds_openings_connection_id_qbo_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["client_funds_accounts.id"],
            name=op.f("fk_sync_client_funds_openings_account_id_client_funds_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["contacts.id"],
            name=op.f("fk_sync_client_funds_openings_client_id_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_client_funds_openings_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_client_funds_openings")),
        sa.UniqueConstraint(
            "connection_id", "account_id", "client_id", name="uq_sync_client_funds_opening"
        ),
    )
    with op.batch_alter_table("sync_client_funds_openings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_client_funds_openings_firm_id"), ["firm_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("sync_client_funds_openings")
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.drop_column("trust_subledgers")
