"""Storage: migrations build exactly the models' schema; a use case commits or leaves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

import lawsync.sync.models  # noqa: F401  (every table the migrations build)
from lawsync.config import Settings
from lawsync.practice.models import Contact, ContactKind
from lawsync.practice.services.context import Ledger
from lawsync.storage import Base
from tests.conftest import Firm


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """The job queue's own tables, functions and indexes (procrastinate's schema, applied by
    migration 0019 on PostgreSQL) are not lawsync's models."""
    table = getattr(obj, "table", None)
    names = (name or "", getattr(table, "name", "") or "")
    return not any(n.startswith("procrastinate") for n in names)


def test_migrations_produce_the_models_schema(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _ours})
        assert compare_metadata(context, Base.metadata) == []


def test_a_unit_of_work_rolls_back_unless_committed(firm: Firm, ledger: Ledger) -> None:
    with ledger.uow(firm.actor) as uow:
        uow.session.add(
            Contact(
                firm_id=firm.id, kind=ContactKind.person, last_name="Ghost", display_name="Ghost"
            )
        )
        uow.flush()
    with ledger.uow(firm.actor) as uow:
        count = uow.session.execute(select(func.count()).select_from(Contact)).scalar_one()
    assert count == 0


def test_a_firm_scoped_session_cannot_read_another_firms_rows(
    firm: Firm, other_firm: Firm, ledger: Ledger
) -> None:
    other_firm.post("/contacts", {"kind": "company", "company_name": "Theirs Inc"})
    with ledger.uow(firm.actor) as uow:
        rows = uow.session.execute(select(Contact)).scalars().all()
        raw = uow.session.execute(
            select(Contact.display_name).where(Contact.firm_id == other_firm.id)
        ).all()
    assert rows == [] and raw == []


def test_the_default_database_is_sqlite_in_var() -> None:
    # The default is relative to the folder lawsync starts in, and made absolute once, there.
    assert Settings.from_env({}).database_url == f"sqlite:///{Path.cwd() / 'var' / 'lawsync.db'}"
    assert Settings.from_env(
        {"LAWSYNC_DATABASE_URL": "postgresql+psycopg://x/y"}
    ).database_url.startswith("postgresql")
    with pytest.raises(ValueError):
        Settings.from_env({"LAWSYNC_QBO_ENV": "moon"})
    masked = Settings.from_env({"LAWSYNC_SECRET_KEY": "hunter2"}).masked()
    assert masked["secret_key"] == "********" and "hunter2" not in str(masked)
