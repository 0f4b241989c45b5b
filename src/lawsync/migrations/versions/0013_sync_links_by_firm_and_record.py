"""sync links found by firm and record

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 21:15:00.000000

Every ORM query on a firm-owned table carries `firm_id = :firm` (the session's scoping). On
`sync_links`, SQLite then answered a record's link through the index of the link's firm rather
than the unique (connection, kind, record) one: every link of the firm read for each look-up,
a cost that grew with the books (12 ms per look-up of 200 links at 51,000 links, against
0.5 ms). This index starts with the firm and ends with the record, so the planner takes it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_links", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sync_links_record", ["firm_id", "connection_id", "kind", "local_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_links", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_links_record")
