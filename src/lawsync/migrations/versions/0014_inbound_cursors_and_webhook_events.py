"""inbound: a change cursor per connection, and the webhook event ids already taken in

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 23:00:00.000000

The change feed of each connection resumes from its cursor (the company's clock); a webhook
only marks a pull as wanted on it. Webhook event ids are kept for a few days so a delivery
QuickBooks repeats is taken in once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sync_inbound_cursors",
        sa.Column("id", ID, nullable=False),
        sa.Column("connection_id", ID, nullable=False),
        sa.Column("cursor_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entities", sa.String(length=400), nullable=False),
        sa.Column("last_pull_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_pull_changes", sa.Integer(), nullable=False),
        sa.Column("last_compare_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pull_wanted_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("webhooks_received", sa.Integer(), nullable=False),
        sa.Column("last_webhook_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("firm_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["qbo_connections.id"],
            name=op.f("fk_sync_inbound_cursors_connection_id_qbo_connections"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_sync_inbound_cursors_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_inbound_cursors")),
        sa.UniqueConstraint("connection_id", name="uq_sync_inbound_cursor"),
    )
    with op.batch_alter_table("sync_inbound_cursors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_inbound_cursors_firm_id"), ["firm_id"], unique=False
        )
    op.create_table(
        "sync_webhook_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("realm_id", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_webhook_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_sync_webhook_events_event_id")),
    )
    with op.batch_alter_table("sync_webhook_events", schema=None) as batch_op:
        batch_op.create_index("ix_sync_webhook_events_received", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_table("sync_webhook_events")
    op.drop_table("sync_inbound_cursors")
