"""fast catch-up and pass leases

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 14:10:33.751706
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_pass_leases",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("firm_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_pass_leases_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_pass_leases")),
        sa.UniqueConstraint("firm_id", name="uq_sync_pass_lease_firm"),
    )
    with op.batch_alter_table("sync_pass_leases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_pass_leases_firm_id"), ["firm_id"], unique=False)

    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fast_catch_up", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_settings", schema=None) as batch_op:
        batch_op.drop_column("fast_catch_up")

    with op.batch_alter_table("sync_pass_leases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_pass_leases_firm_id"))

    op.drop_table("sync_pass_leases")
