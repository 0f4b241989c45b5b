"""Running passes and pulls: on demand, when the books change, when QuickBooks says it changed.

The truth is the state (a record is dirty while its revision is above the synced one; a pull is
wanted while the connection's cursor says so), so a wake-up only makes the next run happen
sooner. When a transaction that changed a syncable record commits, the firm's pass starts after
a short debounce; when a webhook tells of changes in the company, the firm's pull does
(`wake_pull`). A firm never has two runs at once: what arrives during one causes exactly one more
after it, the strongest asked for (a pass includes a pull).

The safety net is a poll per firm every `poll_seconds` (300 by default): a pull, which asks
QuickBooks once what changed, then a pass only if the ledger has work waiting. A poll right after
a pull (a pass's, a webhook's) is skipped, so a quiet company is asked at most once per period.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager, suppress
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from lawsync.config import Settings
from lawsync.errors import LawsyncError, RuleViolation
from lawsync.failures_log import describe
from lawsync.practice.models import (
    ActivityCategory,
    Bill,
    BillState,
    ExpenseCategory,
    ExpenseEntry,
    TimeEntry,
)
from lawsync.practice.services.context import Ledger
from lawsync.storage import Revisioned
from lawsync.sync import engine, status
from lawsync.sync.connection import app_url_for, open_client
from lawsync.sync.context import QUIET
from lawsync.sync.imports import feed
from lawsync.sync.lease import pass_lease
from lawsync.sync.models import ConnectionStatus, QuickBooksConnection, SyncFailure, SyncSettings

log = logging.getLogger("lawsync.sync")

ENV_FLAG = "LAWSYNC_SYNC_WORKER"
FirmPass = Callable[[int], Awaitable[object]]
PASS, POLL, PULL = 3, 2, 1  # what a firm's next run is, strongest first


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


# Records no exporter sends: they reach the company inside a bill, once it is approved.
_NEVER_SENT = (TimeEntry, ExpenseEntry, ActivityCategory, ExpenseCategory)


def syncable(obj: object) -> bool:
    """A change that makes the firm's pass due: a revisioned record that is sent (a bill once
    it leaves the draft state, or when it goes back to it), the sync settings, or a Retry asked
    for on a failure."""
    if isinstance(obj, _NEVER_SENT):
        return False
    if isinstance(obj, Bill):
        return obj.state != BillState.draft or _left_draft_state(obj)
    if isinstance(obj, Revisioned | SyncSettings):
        return True
    return isinstance(obj, SyncFailure) and obj.retry_requested_at is not None


def _left_draft_state(bill: Bill) -> bool:
    """A draft whose state this flush changed (a bill sent before, returned to draft)."""
    history = inspect(bill).attrs.state.history
    return any(before != BillState.draft for before in history.deleted)


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
    """Debounced, one-at-a-time passes and pulls per firm, woken by commits and webhooks, and a
    poll per firm as the safety net; start inside an event loop.

    `run_pull` (one pull) and `run_poll` (the safety visit) default to `run_firm` (a pass,
    which starts with a pull)."""

    def __init__(
        self,
        ledger: Ledger,
        run_firm: FirmPass,
        *,
        debounce_seconds: float = 0.1,
        safety_seconds: float = 300.0,
        firms: Callable[[], Iterable[int]] | None = None,
        run_pull: FirmPass | None = None,
        run_poll: FirmPass | None = None,
    ) -> None:
        self._ledger = ledger
        self._runs: dict[int, FirmPass] = {
            PASS: run_firm,
            POLL: run_poll or run_firm,
            PULL: run_pull or run_firm,
        }
        self._debounce = debounce_seconds
        self._safety = safety_seconds
        self._firms = firms or (lambda: connected_firms(ledger))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._wanted: dict[int, int] = {}  # firm → the strongest run asked for, not begun
        self._safety_task: asyncio.Task[None] | None = None
        self.requests_taken = 0
        """Run requests taken in so far (wake-ups and safety visits), for tests and monitoring."""
        self.runs_started = 0
        """Runs begun so far (passes, pulls and polls), for tests and monitoring."""

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
        self._ask(firm_id, PASS)

    def wake_pull(self, firm_id: int) -> None:
        """Ask for a pull for the firm soon (a webhook told of changes); safe from any thread."""
        self._ask(firm_id, PULL)

    def _ask(self, firm_id: int, what: int) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._schedule(firm_id, what)
        else:
            loop.call_soon_threadsafe(self._schedule, firm_id, what)

    def _schedule(self, firm_id: int, what: int = PASS) -> None:
        self.requests_taken += 1
        self._wanted[firm_id] = max(what, self._wanted.get(firm_id, 0))
        if firm_id not in self._tasks:
            self._tasks[firm_id] = asyncio.create_task(self._drive(firm_id))

    async def _drive(self, firm_id: int) -> None:
        try:
            while True:
                await asyncio.sleep(self._debounce)
                what = self._wanted.pop(firm_id, PASS)
                self.runs_started += 1
                try:
                    await self._runs[what](firm_id)
                except asyncio.CancelledError:
                    raise
                except LawsyncError as error:
                    log.info("firm %s: no run (%s)", firm_id, error.code)
                except Exception as error:
                    run = {PASS: "pass", POLL: "poll", PULL: "pull"}[what]
                    log.error("firm %s: the sync %s failed: %s", firm_id, run, describe(error))
                if firm_id not in self._wanted:
                    return
        finally:
            self._tasks.pop(firm_id, None)

    async def _safety_loop(self) -> None:
        first = True
        while True:
            if not first:
                await asyncio.sleep(self._safety)
            try:
                firms = await asyncio.to_thread(lambda: list(self._firms()))
                wanted = await asyncio.to_thread(feed.wanted_firms, self._ledger) if first else []
            except Exception as error:
                log.error("listing firms for the safety poll failed: %s", describe(error))
                first = False
                continue
            for firm_id in set(wanted) & set(firms):  # notices taken in before a restart
                self._schedule(firm_id, PULL)
            if not first:
                for firm_id in firms:
                    self._schedule(firm_id, POLL)
            first = False


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

    async def run_pull(firm_id: int) -> None:
        report = await feed.pull_firm(ledger, firm_id, settings, app_url=url)
        if report.note:
            log.info("firm %s: pull: %s", firm_id, report.note)

    async def run_poll(firm_id: int) -> None:
        fresh = await asyncio.to_thread(
            feed.pulled_within, ledger, firm_id, settings.cdc_poll_seconds * 0.9
        )
        if not fresh:
            await run_pull(firm_id)
        if await asyncio.to_thread(work_waiting, ledger, firm_id):
            await run_firm(firm_id)

    worker = SyncWorker(
        ledger,
        run_firm,
        run_pull=run_pull,
        run_poll=run_poll,
        safety_seconds=settings.cdc_poll_seconds,
    )
    await worker.start()
    try:
        yield worker
    finally:
        await worker.stop()


def work_waiting(ledger: Ledger, firm_id: int) -> bool:
    """The ledger has records to send, or a failure someone asked to retry (no requests)."""
    counts = status.status_counts(ledger, firm_id)
    if any(c["pending"] for c in counts.values()):
        return True
    with ledger.uow(firm_id) as uow:
        return (
            uow.session.execute(
                select(SyncFailure.id)
                .where(SyncFailure.retry_requested_at.is_not(None))
                .where(SyncFailure.resolved_at.is_(None))
                .limit(1)
            ).first()
            is not None
        )
