"""a firm's locale and time zone, for the money, dates and times its web pages show

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:00:00.000000

Firms that exist already get en_US (the app's language, with the conventions that go with the
default currency) and UTC, the zone every page showed times in until now, so nothing an existing
firm reads moves until an administrator sets the firm's own (Settings, or PATCH /api/v1/firm).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=32), nullable=False, server_default="en_US")
        )
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC")
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Not by copying the table: dropping `firms` with foreign keys on would cascade to
        # every row of every firm. SQLite (3.35+) drops a plain column in place.
        op.execute("ALTER TABLE firms DROP COLUMN time_zone")
        op.execute("ALTER TABLE firms DROP COLUMN locale")
        return
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
        batch_op.drop_column("locale")
