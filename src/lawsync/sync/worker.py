"""Running passes: on demand, and when the books change (a wake-up, not a timer).

The truth is the state (a record is dirty while its revision is above the synced one), so a
wake-up only makes the next pass happen sooner; a slow periodic safety pass catches anything a
lost signal would have left behind. When a transaction that changed a syncable record commits,
the firm's pass starts after a short debounce. A firm never has two passes at once: changes that
arrive during a pass cause one more pass after it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from lawsync.config import Settings
from lawsync.errors import LawsyncError, RuleViolation
from lawsync.failures_log import describe
from lawsync.practice.services.context import Ledger
from lawsync.storage import Revisioned
from lawsync.sync import engine
from lawsync.sync.connection import app_url_for, open_client
from lawsync.sync.context import QUIET
from lawsync.sync.lease import pass_lease
from lawsync.sync.models import ConnectionStatus, QuickBooksConnection, SyncFailure, SyncSettings

log = logging.getLogger("lawsync.sync")

ENV_FLAG = "LAWSYNC_SYNC_WORKER"
FirmPass = Callable[[int], Awaitable[object]]


# ---- one pass, now -----------------------------------------------------------------------------


async def run_pass_now(
    ledger: Ledger,
    firm_id: int,
    settings: Settings,
    *,
    app_url: str | None = None,
    progress: engine.ProgressFn | None = None,
    spare_requests: bool | None = None,
    work: engine.Work | None = None,
    **overrides: Any,
) -> engine.PassReport:
    """One pass for the firm, after any pass already running for it (in any process); a firm
    that is not connected, or must reconnect first, is refused with that code."""
    async with (
        pass_lease(ledger, firm_id),
        open_client(ledger, firm_id, settings, app_url, **overrides) as qb,
    ):
        report = await engine.run_pass(
            ledger, firm_id, qb, progress=progress, spare_requests=spare_requests, work=work
        )
    if report.not_started is not None:
        raise RuleViolation(report.not_started.message, code=report.not_started.code)
    return report


# ---- the wake-up ----------------------------------------------------------------------------

_WAKE = "sync_wake"


def syncable(obj: object) -> bool:
    """A change that makes the firm's pass due: a revisioned record, the sync settings, or a
    Retry asked for on a failure."""
    if isinstance(obj, Revisioned | SyncSettings):
        return True
    return isinstance(obj, SyncFailure) and obj.retry_requested_at is not None


def connected_firms(ledger: Ledger) -> list[int]:
    """Firms whose active connection is live: the safety pass visits each."""
    with ledger.uow(None) as uow:
        return list(
            uow.session.execute(
                select(QuickBooksConnection.firm_id).where(
                    QuickBooksConnection.active.is_(True),
                    QuickBooksConnection.status == ConnectionStatus.connected,
                )
            ).scalars()
        )


class SyncWorker:
    """Debounced, one-at-a-time passes per firm, woken by commits; start inside an event loop."""

    def __init__(
        self,
        ledger: Ledger,
        run_firm: FirmPass,
        *,
        debounce_seconds: float = 0.1,
        safety_seconds: float = 300.0,
        firms: Callable[[], Iterable[int]] | None = None,
    ) -> None:
        self._ledger = ledger
        self._run_firm = run_firm
        self._debounce = debounce_seconds
        self._safety = safety_seconds
        self._firms = firms or (lambda: connected_firms(ledger))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._again: set[int] = set()
        self._safety_task: asyncio.Task[None] | None = None
        self.requests_taken = 0
        """Pass requests taken in so far (wake-ups and safety visits), for tests and monitoring."""

    # SQLAlchemy session events, on this ledger's sessions only; they may fire on any thread.
    def _after_flush(self, session: Session, _context: Any) -> None:
        if session.info.get("firm_id") is None or session.info.get(QUIET):
            return
        if any(syncable(o) for o in (*session.new, *session.dirty, *session.deleted)):
            session.info[_WAKE] = True

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_WAKE, False):
            self.wake(int(session.info["firm_id"]))

    def _after_rollback(self, session: Session, _previous_transaction: Any) -> None:
        # SQLAlchemy's `after_soft_rollback` passes the session and the transaction rolled back.
        session.info.pop(_WAKE, None)

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        factory = self._ledger.factory
        event.listen(factory, "after_flush", self._after_flush)
        event.listen(factory, "after_commit", self._after_commit)
        event.listen(factory, "after_soft_rollback", self._after_rollback)
        if self._safety > 0:
            self._safety_task = asyncio.create_task(self._safety_loop())

    async def stop(self) -> None:
        factory = self._ledger.factory
        for name, fn in (
            ("after_flush", self._after_flush),
            ("after_commit", self._after_commit),
            ("after_soft_rollback", self._after_rollback),
        ):
            if event.contains(factory, name, fn):
                event.remove(factory, name, fn)
        tasks = [*self._tasks.values(), *([self._safety_task] if self._safety_task else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
        self._loop = None

    async def idle(self) -> None:
        """Wait until no pass is running or due (for shutdown and tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    def wait_idle(self, timeout: float) -> None:
        """From another thread: block until every pass asked for before the call has run.

        A wake-up from a commit is queued on the worker's loop when the commit happens, so once
        this returns, the passes for every commit made before the call are over (for tests).
        """
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self.idle(), loop).result(timeout)

    def wake(self, firm_id: int) -> None:
        """Ask for a pass for the firm soon; safe from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._schedule(firm_id)
        else:
            loop.call_soon_threadsafe(self._schedule, firm_id)

    def _schedule(self, firm_id: int) -> None:
        self.requests_taken += 1
        if firm_id in self._tasks:
            self._again.add(firm_id)
            return
        self._tasks[firm_id] = asyncio.create_task(self._drive(firm_id))

    async def _drive(self, firm_id: int) -> None:
        try:
            while True:
                await asyncio.sleep(self._debounce)
                self._again.discard(firm_id)
                try:
                    await self._run_firm(firm_id)
                except asyncio.CancelledError:
                    raise
                except LawsyncError as error:
                    log.info("firm %s: no pass (%s)", firm_id, error.code)
                except Exception as error:
                    log.error("firm %s: the sync pass failed: %s", firm_id, describe(error))
                if firm_id not in self._again:
                    return
        finally:
            self._tasks.pop(firm_id, None)

    async def _safety_loop(self) -> None:
        while True:
            await asyncio.sleep(self._safety)
            try:
                firms = await asyncio.to_thread(lambda: list(self._firms()))
            except Exception as error:
                log.error("listing firms for the safety pass failed: %s", describe(error))
                continue
            for firm_id in firms:
                self._schedule(firm_id)


def worker_enabled(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return env.get(ENV_FLAG, "0").strip().lower() in ("1", "true", "yes", "on")


@asynccontextmanager
async def serve_worker(
    ledger: Ledger, settings: Settings, enabled: bool | None = None
) -> AsyncIterator[SyncWorker | None]:
    """The web app's worker, when `LAWSYNC_SYNC_WORKER` is on (`lawsync serve` turns it on)."""
    if not (worker_enabled() if enabled is None else enabled):
        yield None
        return
    url = app_url_for(settings)

    async def run_firm(firm_id: int) -> None:
        await run_pass_now(ledger, firm_id, settings, app_url=url)

    worker = SyncWorker(ledger, run_firm)
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()
