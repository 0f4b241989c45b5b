"""The queued sync mode's jobs: a pass per firm, a pull per company, and the periodic ones.

    defer_pass(raw_connection, firm_id, realm)   # inside the transaction of the change
    lawsync worker --concurrency 50               # runs them (see `queue_worker`)

Jobs live in procrastinate's tables on the ledger's own PostgreSQL database. Two locks keep the
passes in order:

- the *queueing lock* ``firm:<id>``: a firm has at most one pass waiting, so a burst of changes
  collapses into one job (a change made while a pass runs leaves one more waiting behind it);
- the *lock* ``company:<realm>``: one job per QuickBooks company runs at a time across every
  worker, so a company's per-minute limits are spent by one pacer (firms sharing a company
  take turns). The pass lease (`lease`) still guards the firm as the last resort.

A firm's pass is deferred on the very connection and transaction of the change that made it
due, so a commit and its job exist together or not at all. A job that finds the queueing lock
taken holds a share lock on the waiting job until the change commits: a worker cannot start
that job (its fetch skips locked rows) before it can see the change.

Transient trouble (QuickBooks throttling or down, lost connections) ends a pass early; the job
then defers the next one after a growing wait instead of failing. A worker that dies leaves its
job "doing": the stalled-job sweep, run by every worker, hands it back to the queue.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

import procrastinate
from procrastinate import exceptions as pexc
from procrastinate.job_context import JobContext
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from procrastinate.sync_psycopg_connector import SyncPsycopgConnector
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lawsync.config import Settings
from lawsync.errors import LawsyncError
from lawsync.practice.services.context import Ledger
from lawsync.storage import utcnow
from lawsync.sync import engine
from lawsync.sync.connection import open_client
from lawsync.sync.imports import feed
from lawsync.sync.lease import TTL, pass_lease
from lawsync.sync.models import ConnectionStatus, InboundCursor, QuickBooksConnection
from lawsync.sync.own_loop import on_own_loop

log = logging.getLogger("lawsync.worker")
T = TypeVar("T")

QUEUE = "sync"
PASS_TASK = "lawsync.sync_firm"
PULL_TASK = "lawsync.pull_company"
RETRY_BASE_SECONDS = 5.0
RETRY_MOST_SECONDS = 600.0
SWEEP_SECONDS = 300
SWEEP_FIRMS = 50
"""Connected firms a safety sweep looks at: each run the next slice of them, so that its cost
stays the same however many firms there are."""


def firm_lock(firm_id: int) -> str:
    return f"firm:{firm_id}"


def company_lock(realm: str) -> str:
    return f"company:{realm}"


def pull_lock(realm: str) -> str:
    return f"pull:{realm}"


# The app the workers run. Its connector is swapped for an open one by `queue_worker`; the
# in-transaction deferrals below never use it, they go through the caller's own connection.
app = procrastinate.App(connector=procrastinate.PsycopgConnector())

# Deferring on a connection someone else holds needs no pool: this manager is never opened.
_on_connection = JobManager(SyncPsycopgConnector())


# ---- deferring, on the caller's connection ---------------------------------------------------


def _waiting(raw: Any, queueing_lock: str) -> int | None:
    """The job already waiting under ``queueing_lock``, share-locked until the caller's
    transaction ends (a worker skips it till then); None if there is none."""
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM procrastinate_jobs WHERE queueing_lock = %s AND status = 'todo'"
            " FOR SHARE",
            (queueing_lock,),
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _defer(raw: Any, job: Job) -> int:
    """Defer ``job`` on the psycopg connection ``raw`` (inside its transaction), or return the
    job already waiting under its queueing lock."""
    assert job.queueing_lock is not None
    for _ in range(3):
        found = _waiting(raw, job.queueing_lock)
        if found is not None:
            return found
        try:
            with raw.transaction():  # a savepoint: a lost race must not spoil the caller's work
                deferred = _on_connection.defer_job(job, connection=raw)
        except pexc.AlreadyEnqueued:
            continue  # another transaction's job committed meanwhile: share-lock that one
        assert deferred.id is not None
        return deferred.id
    raise RuntimeError(f"could not defer or find the job under {job.queueing_lock}")


def defer_pass(raw: Any, firm_id: int, realm: str, *, delay: float = 0.0, attempt: int = 0) -> int:
    """Make sure a pass for the firm is waiting (one per firm), on connection ``raw``."""
    scheduled = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay) if delay > 0 else None
    job = Job(
        queue=QUEUE,
        task_name=PASS_TASK,
        lock=company_lock(realm),
        queueing_lock=firm_lock(firm_id),
        task_kwargs={"firm_id": firm_id, "attempt": attempt},
        scheduled_at=scheduled,
    )
    return _defer(raw, job)


def defer_pull(raw: Any, realm: str) -> int:
    """Make sure a pull of the company's changes is waiting (one per company)."""
    job = Job(
        queue=QUEUE,
        task_name=PULL_TASK,
        lock=company_lock(realm),
        queueing_lock=pull_lock(realm),
        task_kwargs={"realm_id": realm},
    )
    return _defer(raw, job)


def raw_connection(session: Session) -> Any:
    """The psycopg connection under the session's transaction."""
    return session.connection().connection.driver_connection


def live_realm(session: Session) -> str | None:
    """The company of the session's firm when its connection is live (else no pass is due)."""
    return session.execute(
        select(QuickBooksConnection.realm_id).where(
            QuickBooksConnection.active.is_(True),
            QuickBooksConnection.status == ConnectionStatus.connected,
        )
    ).scalar_one_or_none()


def enqueue_pass(ledger: Ledger, firm_id: int, *, delay: float = 0.0, attempt: int = 0) -> bool:
    """In a transaction of its own: a pass for the firm, if it is connected. True if one waits."""
    with ledger.uow(firm_id) as uow:
        realm = live_realm(uow.session)
        if realm is None:
            return False
        defer_pass(raw_connection(uow.session), firm_id, realm, delay=delay, attempt=attempt)
        uow.commit()
    return True


def enqueue_pull(ledger: Ledger, realm: str) -> None:
    with ledger.uow(None) as uow:
        defer_pull(raw_connection(uow.session), realm)
        uow.commit()


# ---- what the jobs run on ----------------------------------------------------------------------


@dataclass
class Runtime:
    """The worker process's services, set by `queue_worker` before jobs run."""

    ledger: Ledger
    settings: Settings
    app_url: str
    lease_ttl: dt.timedelta = TTL
    stalled_seconds: float = 30.0
    after_pass: Callable[[int, engine.PassReport], Awaitable[None]] | None = None
    """For tests and the benchmark: told of every finished pass."""
    threads: Executor | None = None
    """Where passes and pulls run, each on an event loop of its own (`own_loop`); None: on
    the worker's loop."""

    async def run(self, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
        if self.threads is None:
            return await make()
        return await on_own_loop(make, self.threads)


_runtime: Runtime | None = None


def set_runtime(runtime: Runtime | None) -> None:
    global _runtime
    _runtime = runtime


def runtime() -> Runtime:
    if _runtime is None:
        raise RuntimeError("lawsync's jobs run inside `lawsync worker` (no runtime set)")
    return _runtime


def retry_delay(attempt: int) -> float:
    """Seconds before the next try after ``attempt`` passes stopped early: 5, 10, 20 … 600."""
    return float(min(RETRY_BASE_SECONDS * 2**attempt, RETRY_MOST_SECONDS))


# ---- the jobs ------------------------------------------------------------------------------------


async def _one_pass(rt: Runtime, firm_id: int) -> engine.PassReport:
    async def one() -> engine.PassReport:
        async with (
            pass_lease(rt.ledger, firm_id, ttl=rt.lease_ttl),
            open_client(rt.ledger, firm_id, rt.settings, rt.app_url) as qb,
        ):
            return await engine.run_pass(rt.ledger, firm_id, qb)

    return await rt.run(one)


def _realm_of(ledger: Ledger, firm_id: int) -> str:
    with ledger.uow(firm_id) as uow:
        return live_realm(uow.session) or "-"


@app.task(name=PASS_TASK, queue=QUEUE, pass_context=True)
async def sync_firm(context: JobContext, firm_id: int, attempt: int = 0) -> None:
    """One pass for the firm; a pass stopped by transient trouble is deferred again later."""
    rt = runtime()
    began, cpu = time.perf_counter(), time.process_time()
    try:
        report = await _one_pass(rt, firm_id)
    except asyncio.CancelledError:
        # The worker is stopping and its grace time is over: the pass goes back to the queue
        # (level-triggered state: the next pass carries on where this one stopped).
        enqueue_pass(rt.ledger, firm_id)
        log.info("pass firm=%s handed back (worker stopping)", firm_id)
        raise
    except LawsyncError as error:
        log.info("pass firm=%s not run (%s)", firm_id, error.code)
        return
    except Exception:  # a bug or an outage nobody classed: logged, and tried again later
        delay = retry_delay(attempt)
        log.exception("pass firm=%s broke off; the next one in %.0f s", firm_id, delay)
        enqueue_pass(rt.ledger, firm_id, delay=delay, attempt=attempt + 1)
        return
    seconds = time.perf_counter() - began
    log.info(
        "pass firm=%s company=%s records=%d failed=%d requests=%d seconds=%.3f cpu=%.3f%s",
        firm_id,
        _realm_of(rt.ledger, firm_id),
        report.synced,
        report.failed,
        report.requests,
        seconds,
        time.process_time() - cpu,
        f" note={report.note!r}" if report.note else "",
    )
    if report.stopped_early:  # tried again for as long as it takes, every 10 minutes at most
        enqueue_pass(rt.ledger, firm_id, delay=retry_delay(attempt), attempt=attempt + 1)
    if rt.after_pass is not None:
        await rt.after_pass(firm_id, report)


@app.task(name=PULL_TASK, queue=QUEUE)
async def pull_company(realm_id: str) -> None:
    """Pull the company's changes for every firm connected to it (webhooks and the CDC poll)."""
    rt = runtime()
    with rt.ledger.uow(None) as uow:
        firms = list(
            uow.session.execute(
                select(QuickBooksConnection.firm_id).where(
                    QuickBooksConnection.realm_id == realm_id,
                    QuickBooksConnection.active.is_(True),
                    QuickBooksConnection.status == ConnectionStatus.connected,
                )
            ).scalars()
        )
    for firm_id in firms:
        began = time.perf_counter()
        try:
            await rt.run(
                functools.partial(
                    feed.pull_firm, rt.ledger, firm_id, rt.settings, app_url=rt.app_url
                )
            )
        except LawsyncError as error:
            log.info("pull firm=%s company=%s not run (%s)", firm_id, realm_id, error.code)
            continue
        log.info(
            "pull firm=%s company=%s seconds=%.3f", firm_id, realm_id, time.perf_counter() - began
        )


@app.periodic(cron="*/5 * * * *", periodic_id="safety")  # every SWEEP_SECONDS
@app.task(name="lawsync.safety_sweep", queue=QUEUE, queueing_lock="safety-sweep")
async def safety_sweep(timestamp: int) -> None:
    """Every 5 minutes, the next slice of the connected firms: a pass for each that still has
    records waiting or a Retry asked for (a firm with nothing to send costs no pass). The last
    resort only: a change commits with its job, and a pass stopped early defers the next."""
    rt = runtime()
    due = await asyncio.to_thread(firms_with_work, rt.ledger, timestamp)
    for firm_id in due:
        enqueue_pass(rt.ledger, firm_id)


@app.periodic(cron="* * * * *", periodic_id="cdc")
@app.task(name="lawsync.cdc_poll", queue=QUEUE, queueing_lock="cdc-poll")
async def cdc_poll(timestamp: int) -> None:
    """Each minute: a pull for each connected company not read for `LAWSYNC_CDC_POLL_SECONDS`
    (or with a pull a notice asked for still waiting), the safety net under webhooks."""
    rt = runtime()
    due = await asyncio.to_thread(companies_due_a_pull, rt.ledger, rt.settings.cdc_poll_seconds)
    for realm in due:
        enqueue_pull(rt.ledger, realm)


@app.periodic(cron="* * * * * */10", periodic_id="stalled")
@app.task(name="lawsync.recover_stalled", queue=QUEUE, queueing_lock="recover-stalled")
async def recover_stalled(timestamp: int) -> None:
    await recover_stalled_jobs(app.job_manager, runtime().stalled_seconds)


async def recover_stalled_jobs(manager: JobManager, stalled_seconds: float) -> list[int]:
    """Hand the jobs of workers that stopped beating back to the queue; a job whose firm already
    has another waiting is closed instead (that one does the work). The ids handled."""
    handled = []
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds):
        assert job.id is not None
        try:
            await manager.retry_job(job)
            log.warning(
                "job %s (%s) of a stalled worker is back in the queue", job.id, job.task_name
            )
        except pexc.UniqueViolation:
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
            log.warning("job %s of a stalled worker closed: another waits for its firm", job.id)
        handled.append(job.id)
    return handled


# ---- what the periodic jobs look at ------------------------------------------------------------


def companies_due_a_pull(ledger: Ledger, poll_seconds: float) -> list[str]:
    """Connected companies a firm has not read for `poll_seconds`, or whose pull a notice asked
    for and no worker has made yet."""
    read_before = utcnow() - dt.timedelta(seconds=poll_seconds)
    with ledger.uow(None) as uow:
        return list(
            uow.session.execute(
                select(QuickBooksConnection.realm_id)
                .outerjoin(InboundCursor, InboundCursor.connection_id == QuickBooksConnection.id)
                .where(
                    QuickBooksConnection.active.is_(True),
                    QuickBooksConnection.status == ConnectionStatus.connected,
                    or_(
                        InboundCursor.id.is_(None),
                        InboundCursor.last_pull_at.is_(None),
                        InboundCursor.last_pull_at < read_before,
                        InboundCursor.pull_wanted_since.is_not(None),
                    ),
                )
                .distinct()
            ).scalars()
        )


def sweep_turn(firm_ids: Sequence[int], timestamp: int) -> list[int]:
    """The firms a sweep at ``timestamp`` looks at: the firms in id order, cut in slices of
    `SWEEP_FIRMS`, one slice a run in turn."""
    ordered = sorted(firm_ids)
    if not ordered:
        return []
    slices = -(-len(ordered) // SWEEP_FIRMS)
    turn = (timestamp // SWEEP_SECONDS) % slices
    return ordered[turn * SWEEP_FIRMS : (turn + 1) * SWEEP_FIRMS]


def firms_with_work(ledger: Ledger, timestamp: int) -> list[int]:
    """Of this sweep's slice of the connected firms, those with a record waiting for its pass
    or a Retry asked for."""
    from lawsync.sync.worker import connected_firms, work_waiting

    return [f for f in sweep_turn(connected_firms(ledger), timestamp) if work_waiting(ledger, f)]
