"""sync engine state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 12:12:50.597917
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "qbo_connections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("realm_id", sa.String(length=40), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("edition", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("home_currency", sa.String(length=3), nullable=False),
        sa.Column("multicurrency", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "connected",
                "reconnect_needed",
                "disconnected",
                name="connectionstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_qbo_connections_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qbo_connections")),
    )
    with op.batch_alter_table("qbo_connections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qbo_connections_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index("ix_qbo_connections_realm", ["firm_id", "realm_id"], unique=False)

    op.create_table(
        "sync_settings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("export_bills", sa.Boolean(), nullable=False),
        sa.Column("export_start_date", sa.Date(), nullable=True),
        sa.Column("bill_prefix", sa.String(length=20), nullable=False),
        sa.Column(
            "tax_option",
            sa.Enum(
                "separate_lines",
                "aggregated",
                "tax_codes",
                name="taxoptionsetting",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("tax_codes_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("track_timekeepers", sa.Boolean(), nullable=False),
        sa.Column(
            "name_clash",
            sa.Enum("fail", "link", "suffix", name="nameclashpolicy", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("reactivate_archived_customers", sa.Boolean(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_settings_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_settings")),
        sa.UniqueConstraint("firm_id", name="uq_sync_settings_firm"),
    )
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_settings_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "qbo_authorization_attempts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("state", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_qbo_authorization_attempts_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_qbo_authorization_attempts_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qbo_authorization_attempts")),
        sa.UniqueConstraint("state", name=op.f("uq_qbo_authorization_attempts_state")),
    )
    with op.batch_alter_table("qbo_authorization_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_qbo_authorization_attempts_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "sync_failures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("local_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("element", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("intuit_tid", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retry_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_failures_connection_id_qbo_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_failures_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_failures")),
    )
    with op.batch_alter_table("sync_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_failures_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index("ix_sync_failures_open", ["firm_id", "resolved_at"], unique=False)

    op.create_table(
        "sync_item_mappings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column(
            "category_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_item_mappings_connection_id_qbo_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_item_mappings_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_item_mappings")),
        sa.UniqueConstraint("connection_id", "kind", "category_id", name="uq_sync_item_mapping"),
    )
    with op.batch_alter_table("sync_item_mappings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_item_mappings_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "sync_links",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "connection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("local_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("qbo_id", sa.String(length=40), nullable=True),
        sa.Column("sync_token", sa.String(length=20), nullable=True),
        sa.Column("synced_revision", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_links_connection_id_qbo_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_sync_links_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_links")),
        sa.UniqueConstraint("connection_id", "kind", "local_id", name="uq_sync_link"),
    )
    with op.batch_alter_table("sync_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_links_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(
            "ix_sync_links_qbo", ["connection_id", "kind", "qbo_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("sync_links", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_links_qbo")
        batch_op.drop_index(batch_op.f("ix_sync_links_firm_id"))

    op.drop_table("sync_links")
    with op.batch_alter_table("sync_item_mappings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_item_mappings_firm_id"))

    op.drop_table("sync_item_mappings")
    with op.batch_alter_table("sync_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_failures_open")
        batch_op.drop_index(batch_op.f("ix_sync_failures_firm_id"))

    op.drop_table("sync_failures")
    with op.batch_alter_table("qbo_authorization_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qbo_authorization_attempts_firm_id"))

    op.drop_table("qbo_authorization_attempts")
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_settings_firm_id"))

    op.drop_table("sync_settings")
    with op.batch_alter_table("qbo_connections", schema=None) as batch_op:
        batch_op.drop_index("ix_qbo_connections_realm")
        batch_op.drop_index(batch_op.f("ix_qbo_connections_firm_id"))

    op.drop_table("qbo_connections")
