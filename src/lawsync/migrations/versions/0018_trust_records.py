"""trust records: the firm's report set, what counts as dormant or uncleared, and refused
overdrafts kept for the exception report

Revision ID: 0018
Revises: 0013
Create Date: 2026-12-06 23:00:00.000000

Existing firms get the US/ABA report set, 12 months for a dormant balance and 5 days for a
deposit to clear, the defaults an administrator changes in the firm's settings.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
FIRM_COLUMNS = ("deposit_hold_days", "dormant_months", "trust_rules")


def upgrade() -> None:
    # Added in place (never by copying `firms`, whose rows cascade to every firm's data).
    op.add_column(
        "firms",
        sa.Column("trust_rules", sa.String(length=10), nullable=False, server_default="us-aba"),
    )
    op.add_column(
        "firms", sa.Column("dormant_months", sa.Integer(), nullable=False, server_default="12")
    )
    op.add_column(
        "firms", sa.Column("deposit_hold_days", sa.Integer(), nullable=False, server_default="5")
    )
    op.create_table(
        "trust_refusals",
        sa.Column("id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("account_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("matter_id", ID, nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("held", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("firm_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_trust_refusals_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["client_funds_accounts.id"],
            name=op.f("fk_trust_refusals_account_id_client_funds_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["contacts.id"], name=op.f("fk_trust_refusals_client_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"], ["matters.id"], name=op.f("fk_trust_refusals_matter_id_matters")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_trust_refusals_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trust_refusals")),
    )
    op.create_index(
        "ix_trust_refusals_account", "trust_refusals", ["firm_id", "account_id", "date"]
    )
    op.create_index(op.f("ix_trust_refusals_firm_id"), "trust_refusals", ["firm_id"])
    op.create_table(
        "sync_quickbooks_comparisons",
        sa.Column("id", ID, nullable=False),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("differences", sa.Integer(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("firm_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_quickbooks_comparisons_connection_id_qbo_connections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_quickbooks_comparisons_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_quickbooks_comparisons")),
        sa.UniqueConstraint("connection_id", "subject", name="uq_sync_quickbooks_comparison"),
    )
    op.create_index(
        op.f("ix_sync_quickbooks_comparisons_firm_id"),
        "sync_quickbooks_comparisons",
        ["firm_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_sync_quickbooks_comparisons_firm_id"), table_name="sync_quickbooks_comparisons"
    )
    op.drop_table("sync_quickbooks_comparisons")
    op.drop_index(op.f("ix_trust_refusals_firm_id"), table_name="trust_refusals")
    op.drop_index("ix_trust_refusals_account", table_name="trust_refusals")
    op.drop_table("trust_refusals")
    for column in FIRM_COLUMNS:
        # SQLite (3.35+) drops a plain column in place; PostgreSQL the same way.
        op.execute(f"ALTER TABLE firms DROP COLUMN {column}")
