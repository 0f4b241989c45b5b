"""api tokens expire

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:30:00.000000

Tokens issued before this revision get 90 days from the upgrade; tokens of users who are already
inactive are revoked, so reactivating such a user does not bring them back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    now = dt.datetime.now(dt.UTC)
    tokens = sa.table(
        "api_tokens",
        sa.column("expires_at", sa.DateTime(timezone=True)),
        sa.column("revoked_at", sa.DateTime(timezone=True)),
        sa.column("user_id", sa.BigInteger()),
    )
    users = sa.table("users", sa.column("id", sa.BigInteger()), sa.column("active", sa.Boolean()))
    op.execute(tokens.update().values(expires_at=now + dt.timedelta(days=90)))
    inactive = sa.select(users.c.id).where(users.c.active.is_(False))
    op.execute(
        tokens.update()
        .where(tokens.c.revoked_at.is_(None), tokens.c.user_id.in_(inactive))
        .values(revoked_at=now)
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
