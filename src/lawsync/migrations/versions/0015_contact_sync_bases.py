"""contact sync bases: what a contact and its customer last agreed on, field by field

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:00:00.000000

An edit made to a linked customer in QuickBooks is merged three ways against this base: a field
changed on one side only is taken, one changed on both sides to different values is a conflict
for a person. Written by the Customers exporter and by the contact importer.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sync_contact_bases",
        sa.Column("id", ID, nullable=False),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("contact_id", ID, nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("from_quickbooks", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("firm_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_contact_bases_connection_id_qbo_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_sync_contact_bases_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_contact_bases_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_contact_bases")),
        sa.UniqueConstraint("connection_id", "contact_id", name="uq_sync_contact_base"),
    )
    with op.batch_alter_table("sync_contact_bases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_contact_bases_contact_id"), ["contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sync_contact_bases_firm_id"), ["firm_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("sync_contact_bases")
