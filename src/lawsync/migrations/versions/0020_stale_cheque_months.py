"""stale cheques: after how many months an outstanding cheque is listed in the exception report

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 02:15:00.000000

Existing firms get 6 months: a cheque is stale-dated after six months in Canadian banking
practice, and a US bank need not pay one older than that (UCC 4-404). An administrator changes it
in the firm's settings.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Added in place (never by copying `firms`, whose rows cascade to every firm's data).
    op.add_column(
        "firms",
        sa.Column("stale_cheque_months", sa.Integer(), nullable=False, server_default="6"),
    )


def downgrade() -> None:
    # SQLite (3.35+) drops a plain column in place; PostgreSQL the same way.
    op.execute("ALTER TABLE firms DROP COLUMN stale_cheque_months")
