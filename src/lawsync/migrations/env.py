"""Alembic environment: lawsync runs migrations programmatically (see lawsync.migrate)."""

from __future__ import annotations

from alembic import context

import lawsync.practice.models
import lawsync.sync.models  # noqa: F401  (registers the sync tables)
from lawsync.storage import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
    else:
        _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("lawsync migrations run online only")
run_migrations_online()
