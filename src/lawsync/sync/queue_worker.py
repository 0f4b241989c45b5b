"""`lawsync worker`: a procrastinate worker running the queued mode's jobs.

    await run_worker(ledger, settings, WorkerOptions(concurrency=50))

Up to ``concurrency`` jobs run at once, each a pass (or pull) for a different QuickBooks
company (the company lock sees to that), interleaved on the worker's event loop while they wait
for QuickBooks. A pass's database calls are synchronous and short: with PostgreSQL close by they
cost less than handing each pass to a thread would (bench/sync_scale.py measures both). With
``pass_threads`` each pass runs on an event loop of its own in a thread (`own_loop`), so that its
database waits overlap the others' (a database across a slow network).

SIGTERM or SIGINT stops fetching jobs and lets the passes in flight finish; any still running
after ``grace_seconds`` is cancelled and its firm's pass goes back to the queue. A worker killed
outright stops beating: after ``stalled_seconds`` another worker's sweep returns its jobs to the
queue, and the pass lease (expiring after ``lease_seconds``) lets the next pass in. Nothing is
sent twice meanwhile: creates carry request ids and are looked up before any re-create, so a
pass that dies mid-flight is simply finished by the next one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import procrastinate
from sqlalchemy.engine import make_url

from lawsync.config import Settings
from lawsync.practice.services.context import Ledger
from lawsync.sync import engine, jobs

log = logging.getLogger("lawsync.worker")


@dataclass(frozen=True)
class WorkerOptions:
    concurrency: int = 20
    name: str | None = None
    grace_seconds: float = 30.0
    """How long a stopping worker waits for its passes before handing them back."""
    stalled_seconds: float = 30.0
    """A worker silent this long is taken for dead and its jobs are run again."""
    heartbeat_seconds: float = 10.0
    lease_seconds: float = 60.0
    pass_threads: bool = False
    """Each pass on a thread of its own (see above)."""
    install_signal_handlers: bool = True
    wait: bool = True
    """False: stop once the queue is empty (tests, one-off catch-ups)."""


def conninfo(database_url: str) -> str:
    """The libpq address of a SQLAlchemy PostgreSQL URL (driver name dropped)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def run_worker(
    ledger: Ledger,
    settings: Settings,
    options: WorkerOptions,
    *,
    app_url: str | None = None,
    after_pass: Callable[[int, engine.PassReport], Awaitable[None]] | None = None,
) -> None:
    """Run jobs until stopped (by a signal, or with ``wait=False`` once the queue is empty)."""
    if options.concurrency < 1:
        raise ValueError("--concurrency must be at least 1")
    threads = None
    if options.pass_threads:
        threads = ThreadPoolExecutor(max_workers=options.concurrency, thread_name_prefix="pass")
    else:
        # Passes hand a few calls (lease, tokens) to threads: with the default pool (six threads
        # on two cores) a hundred passes would queue behind each other there.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=options.concurrency + 4, thread_name_prefix="pass")
        )
    jobs.set_runtime(
        jobs.Runtime(
            ledger=ledger,
            settings=settings,
            app_url=(app_url or settings.app_url).rstrip("/"),
            lease_ttl=dt.timedelta(seconds=options.lease_seconds),
            stalled_seconds=options.stalled_seconds,
            after_pass=after_pass,
            threads=threads,
        )
    )
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(settings.database_url), min_size=1, max_size=4
    )
    try:
        with jobs.app.replace_connector(connector) as app:
            async with app.open_async():
                log.info(
                    "worker %s: up to %d passes at once", options.name or "", options.concurrency
                )
                await app.run_worker_async(
                    queues=[jobs.QUEUE],
                    concurrency=options.concurrency,
                    name=options.name or "lawsync-worker",
                    wait=options.wait,
                    shutdown_graceful_timeout=options.grace_seconds,
                    update_heartbeat_interval=options.heartbeat_seconds,
                    stalled_worker_timeout=options.stalled_seconds,
                    delete_jobs="successful",
                    install_signal_handlers=options.install_signal_handlers,
                    listen_notify=True,
                    fetch_job_polling_interval=2.0,
                )
    finally:
        jobs.set_runtime(None)
        if threads is not None:
            threads.shutdown(wait=True)
