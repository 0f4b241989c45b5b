"""The database engine, sessions scoped to one firm, and the unit of work.

Every firm-owned row (`FirmOwned`, practice and sync tables alike) carries `firm_id`. A session
opened for a firm adds `firm_id = :firm` to every ORM SELECT, UPDATE and DELETE on firm-owned
tables, so no query written in a service can read or change another firm's rows, even by mistake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from lawsync.storage.schema import FirmOwned


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with lawsync's connection rules (SQLite: WAL, foreign keys, busy timeout).

    Its errors never quote the statement's parameters (`hide_parameters`): they are the books'
    values, client names and amounts, and errors end up in logs.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy issue BEGIN itself so a transaction takes the write lock up front.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
    return factory


@event.listens_for(Session, "do_orm_execute")
def _scope_to_firm(state: ORMExecuteState) -> None:
    firm_id = state.session.info.get("firm_id")
    if firm_id is None or state.is_column_load or state.is_relationship_load:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(
                FirmOwned,
                lambda cls: cls.firm_id == firm_id,
                include_aliases=True,
                track_closure_variables=False,
            )
        )


class UnitOfWork:
    """One use case, one transaction: leaving the block without `commit()` rolls back."""

    def __init__(self, factory: sessionmaker[Session], firm_id: int | None = None) -> None:
        self._factory = factory
        self.firm_id = firm_id
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        if self.firm_id is not None:
            self.session.info["firm_id"] = self.firm_id
        return self

    def __exit__(self, *exc: object) -> None:
        # close() rolls back whatever was not committed and detaches the loaded objects without
        # expiring them, so a use case can return what it read.
        self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def flush(self) -> None:
        self.session.flush()
