"""The composition root: the one place that puts lawsync's parts together for an entry point.

The web app (`lawsync.web.app`), the `lawsync` commands (`lawsync.cli`, through
`lawsync.cli_database`) and `lawsync quickbooks …` / `lawsync sync` (`lawsync.cli_quickbooks`)
get what they run on here: the database engine, its schema brought up to date, the session
factory and the practice `Ledger` on it, and what the sync needs besides, the settings and this
server's own address (where QuickBooks sends the user back, and the bundled sandbox answers).
Nothing else builds a `Ledger` or a session factory (tests may).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from lawsync.config import Settings, check_sync_mode
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import QuickBooksConfig
from lawsync.storage import make_engine, make_session_factory
from lawsync.sync.connection import qbo_config
from lawsync.sync.worker import SyncWorker, serve_worker


@dataclass(frozen=True)
class Services:
    """What an entry point runs on."""

    settings: Settings
    ledger: Ledger
    app_url: str
    """This server's root without a trailing slash: as given (`--url`), else `Settings.app_url`."""

    def quickbooks_config(self) -> QuickBooksConfig:
        """The QuickBooks client's configuration (for `local`, the sandbox under `app_url`)."""
        return qbo_config(self.settings, self.app_url)

    def sync_worker(
        self, enabled: bool | None = None
    ) -> AbstractAsyncContextManager[SyncWorker | None]:
        """The wake-up worker for the server's lifetime, when on (`LAWSYNC_SYNC_WORKER`); in
        the queued mode none: commits defer jobs for `lawsync worker` instead."""
        if self.settings.sync_mode == "queue":
            return queued(self.ledger)
        return serve_worker(self.ledger, self.settings, enabled)


@asynccontextmanager
async def queued(ledger: Ledger) -> AsyncIterator[None]:
    """`LAWSYNC_SYNC_MODE=queue`: no pass runs here; commits defer them (`sync.enqueue`)."""
    from lawsync.sync import enqueue

    enqueue.install(ledger)
    yield None


def open_database(url: str, **engine_options: Any) -> Engine:
    """An engine on the database at `url` (``engine_options``: SQLAlchemy's, e.g. the pool's
    size), its schema brought up to date."""
    from lawsync.migrate import upgrade  # Alembic is imported only once a database is opened

    engine = make_engine(url, **engine_options)
    upgrade(engine)
    return engine


def ledger_on(engine: Engine) -> Ledger:
    return Ledger(make_session_factory(engine))


def compose(
    settings: Settings | None = None,
    *,
    ledger: Ledger | None = None,
    app_url: str | None = None,
) -> Services:
    """The services on `settings` (default: from the environment); without a `ledger`, the
    database of `settings.database_url` is opened, and migrated, for one."""
    settings = settings or Settings.from_env()
    if ledger is None:
        ledger = ledger_on(open_database(settings.database_url))
    if settings.sync_mode == "queue":
        from lawsync.sync import enqueue

        check_sync_mode(settings.sync_mode, str(ledger.factory.kw["bind"].url))
        enqueue.install(ledger)  # every entry point's commits defer their passes
    return Services(settings, ledger, (app_url or settings.app_url).rstrip("/"))
