"""the job queue of the queued sync mode (procrastinate's schema), on PostgreSQL only

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:00:00.000000

`LAWSYNC_SYNC_MODE=queue` runs passes as procrastinate jobs. Its tables, types and functions
are the schema procrastinate ships for the installed version, applied here so `lawsync migrate`
sets up everything a deployment needs (nobody runs `procrastinate schema --apply` by hand).
SQLite has no queued mode, so there this revision does nothing. The downgrade drops every
procrastinate object (jobs included).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = (
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
    "procrastinate_version",
)
_TYPES = (
    "procrastinate_job_status",
    "procrastinate_job_event_type",
    "procrastinate_job_to_defer_v1",
)


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    from procrastinate.schema import SchemaManager

    # The raw driver cursor: the schema is many statements with its own quoting and dollar-quoted
    # function bodies, which SQLAlchemy's text() would try to read as bound parameters.
    raw = op.get_bind().connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor:
        cursor.execute(SchemaManager.get_schema().encode())


def downgrade() -> None:
    if not _postgresql():
        return
    bind = op.get_bind()
    functions = (
        bind.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n"
            " ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
            " AND starts_with(p.proname, 'procrastinate')"
        )
        .scalars()
        .all()
    )
    for table in _TABLES:
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    for signature in functions:
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
    for type_name in _TYPES:
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS {type_name} CASCADE")
