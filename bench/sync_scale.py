"""Scale-out benchmark: 200 firms, each with its own sandbox company, synced by `lawsync worker`s.

    .venv/bin/python -m bench.sync_scale [--firms 200] [--rate 10] [--seconds 30] [--backlog 1000]

Needs PostgreSQL (`LAWSYNC_BENCH_POSTGRES_URL`, default the local server's `postgres` database,
in which a fresh database is created and dropped). The sandbox runs in its own process with
QuickBooks' limits on every company, the window scaled down (``--window``) as in
`bench.sync_backfill`; the workers keep to the real per-minute limits.

Two loads, with 1 and then 2 workers (each its own process, `--concurrency 100`):

- **steady**: bills approved at ``--rate`` per second across the firms for ``--seconds``
  seconds (each approval its own transaction, deferring its firm's pass as the web app's would);
  change → QuickBooks is the time from the approval's commit to the bill's link recording its
  copy (the reply written down). Below saturation, target p95 < 2 s.
- **backlog**: ``--backlog`` bills approved before the workers start; records/s is how fast they
  drain (the CPU-bound figure: target ≥ 1.7× from 1 to 2 workers on 2 free cores).

Per run: records/s, change → QuickBooks p50/p95, worker CPU per record, requests per record,
peak memory per worker, the most companies one worker had in passes at once, and passes run for
idle firms (target 0). Last, procrastinate's own throughput: jobs deferred per second (one
transaction each, with a queueing lock, as commits do) and no-op jobs run per second by one
worker.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import procrastinate
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from bench.sync_backfill import bench_company, free_port, set_limits, start_sandbox
from lawsync.bootstrap import ledger_on, open_database
from lawsync.config import Settings
from lawsync.practice.commands import (
    BillCreate,
    ContactCreate,
    FirmCreate,
    MatterCreate,
    TimeEntryCreate,
)
from lawsync.practice.services import bills, contacts, entries
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import create_firm
from lawsync.sync import enqueue, jobs
from lawsync.sync.connection import cipher_for, qbo_config
from lawsync.sync.imports import feed
from lawsync.sync.kinds import Kind
from lawsync.sync.models import (
    ConnectionStatus,
    ItemMapping,
    QuickBooksConnection,
    SyncLink,
    SyncSettings,
)
from lawsync.sync.queue_worker import conninfo
from lawsync.sync.tokens import seal
from lawsync.sync.worker import SyncWorker, run_pass_now

CLIENT_ID, CLIENT_SECRET = "bench-app", "bench-secret"
DAY = dt.date(2026, 11, 2)
PASS_LINE = re.compile(r"pass firm=(\d+) company=\S+ records=(\d+) failed=\d+ requests=(\d+)")


@dataclass
class Firm:
    id: int
    actor: Actor
    client_id: int
    matter_id: int


def make_firms(
    ledger: Ledger,
    settings: Settings,
    sandbox: str,
    n: int,
    window: float,
    tag: str = "Scale",
    latency_ms: int = 0,
) -> list[Firm]:
    cipher = cipher_for(qbo_config(settings))
    made = []
    for i in range(n):
        created = create_firm(
            ledger,
            FirmCreate(name=f"{tag} {i:03d} LLP", admin_email=f"{tag.lower()}{i}@example.com"),
        )
        actor = Actor(created.firm.id, created.admin.id)
        control, realm, tokens = bench_company(sandbox, f"{tag} {i:03d}")
        with ledger.uow(actor) as uow:
            conn = QuickBooksConnection(
                firm_id=actor.firm_id,
                realm_id=realm,
                edition="plus",
                country="US",
                home_currency="USD",
                status=ConnectionStatus.connected,
                tokens=seal(cipher, tokens),
            )
            uow.session.add(conn)
            uow.session.flush()
            uow.session.add(SyncSettings(firm_id=actor.firm_id, export_bills=True))
            for kind in ("activity", "expense", "tax1", "tax2"):
                uow.session.add(
                    ItemMapping(
                        firm_id=actor.firm_id,
                        connection_id=conn.id,
                        kind=kind,
                        category_id=0,
                        item_id="1",
                    )
                )
            uow.commit()
        client = contacts.create_contact(
            ledger, actor, ContactCreate(kind="person", first_name="Client", last_name=f"{i:03d}")
        )
        matter = contacts.create_matter(ledger, actor, MatterCreate(client_id=client.id))
        set_limits(control, realm, window)
        if latency_ms:
            control.patch(
                f"/_sandbox/companies/{realm}", json={"latency_ms": latency_ms}
            ).raise_for_status()
        control.close()
        made.append(Firm(actor.firm_id, actor, client.id, matter.id))
    return made


def warm_up(ledger: Ledger, warm: list[Firm]) -> None:
    """A bill for each warm-up firm, synced before anything is measured: a process's first
    passes load code and fill caches once in its life, which a short run would count as cost
    per record."""
    bills = [approve_one(ledger, firm)[0] for firm in warm]
    deadline = time.time() + 120
    while len(synced_at(ledger, bills)) < len(bills) or waiting(ledger):
        if time.time() > deadline:
            raise SystemExit("the warm-up passes did not finish within 2 minutes")
        time.sleep(0.05)


def first_pulls(ledger: Ledger, settings: Settings, firms: list[Firm]) -> None:
    """Each company read once, as connecting does: no company is due a pull when the workers
    start (a never-read company is, and the workers' poll would read all of them at once)."""

    async def pull_all() -> None:
        for firm in firms:
            await feed.pull_firm(ledger, firm.id, settings)

    asyncio.run(pull_all())


def approve_one(ledger: Ledger, firm: Firm) -> tuple[int, float]:
    """A time entry, a bill for it, approved (three commits); the bill and the approval time."""
    entries.create_time_entry(
        ledger,
        firm.actor,
        TimeEntryCreate(matter_id=firm.matter_id, date=DAY, hours="1.5", rate="200"),
    )
    bill = bills.create_bill(
        ledger, firm.actor, BillCreate(client_id=firm.client_id, issue_date=DAY)
    )
    bills.approve_bill(ledger, firm.actor, bill.id)
    return bill.id, time.time()


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def passes(self) -> list[tuple[int, int, int]]:
        return [(int(a), int(b), int(c)) for a, b, c in PASS_LINE.findall(self.log.read_text())]


def cpu_of(pid: int, *, children: bool = False) -> float:
    """CPU seconds (user + system) a process has used so far, with ``children`` also those of
    its children that ended; 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> float:
    """CPU seconds used so far by the local PostgreSQL server: its processes alive, and those
    that ended (counted in their parent's)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += cpu_of(int(entry.name), children=True)
            except (FileNotFoundError, ProcessLookupError):
                continue
    return total


def start_workers(env: dict[str, str], n: int, tmp: Path) -> list[Worker]:
    started = []
    for i in range(n):
        log = tmp / f"worker-{i}-{uuid.uuid4().hex[:6]}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "lawsync.cli",
                "worker",
                "--concurrency",
                "100",
                "--name",
                f"w{i}",
            ],
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append(Worker(process, log))
    for w in started:
        while "up to" not in w.log.read_text():
            if w.process.poll() is not None:
                raise SystemExit(w.log.read_text()[-3000:])
            time.sleep(0.05)
    return started


def stop(workers: list[Worker]) -> None:
    for w in workers:
        w.process.terminate()
    for w in workers:
        try:
            w.process.wait(120)
        except subprocess.TimeoutExpired:
            w.process.kill()
            w.process.wait(10)


def waiting(ledger: Ledger) -> int:
    with ledger.uow(None) as uow:
        return int(
            uow.session.execute(
                text(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                    " AND task_name = 'lawsync.sync_firm'"
                )
            ).scalar_one()
        )


def synced_at(ledger: Ledger, bill_ids: list[int]) -> dict[int, float]:
    """When each bill's copy was recorded (its link's last write)."""
    with ledger.uow(None) as uow:
        rows = uow.session.execute(
            select(SyncLink.local_id, SyncLink.synced_at).where(
                SyncLink.kind == Kind.BILL,
                SyncLink.local_id.in_(bill_ids),
                SyncLink.qbo_id.is_not(None),
                SyncLink.synced_at.is_not(None),
            )
        ).all()
    return {int(i): (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).timestamp() for i, at in rows}


def busiest(ledger: Ledger) -> int:
    with ledger.uow(None) as uow:
        return int(
            uow.session.execute(
                text(
                    "SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'"
                    " AND task_name = 'lawsync.sync_firm'"
                )
            ).scalar_one()
        )


def run(
    ledger: Ledger,
    env: dict[str, str],
    firms: list[Firm],
    workers_n: int,
    args: argparse.Namespace,
    tmp: Path,
    load: str,
    sandbox_pid: int,
    warm: list[Firm],
) -> dict[str, str]:
    rng = random.Random(workers_n)
    active = firms[: max(1, int(len(firms) * args.active))]
    approved: dict[int, float] = {}
    if load == "backlog":  # approved quietly: the passes are deferred once the workers are warm
        enqueue.uninstall(ledger)
        try:
            for _ in range(args.backlog):
                bill, at = approve_one(ledger, rng.choice(active))
                approved[bill] = at
        finally:
            enqueue.install(ledger)
    workers = start_workers(env, workers_n, tmp)
    warm_up(ledger, warm)
    cpu0 = [w.cpu_seconds() for w in workers]
    sandbox0, postgres0 = cpu_of(sandbox_pid), postgres_cpu()
    began = time.time()
    most = 0
    if load == "backlog":  # what the backlog's commits would have deferred: a pass per firm
        for firm_id in sorted({f.id for f in active}):
            jobs.enqueue_pass(ledger, firm_id)
    if load == "steady":
        interval = 1 / args.rate
        deadline = began + args.seconds
        next_at = began
        while time.time() < deadline:
            bill, at = approve_one(ledger, rng.choice(active))
            approved[bill] = at
            most = max(most, busiest(ledger))
            next_at += interval
            time.sleep(max(0.0, next_at - time.time()))
    while waiting(ledger) or len(synced_at(ledger, list(approved))) < len(approved):
        most = max(most, busiest(ledger))
        time.sleep(0.1)
        if time.time() - began > 900:
            raise SystemExit("the workers did not drain the queue within 15 minutes")
    done = synced_at(ledger, list(approved))
    finished = max(done.values())
    cpu = sum(w.cpu_seconds() - c for w, c in zip(workers, cpu0, strict=True))
    sandbox_cpu, pg_cpu = cpu_of(sandbox_pid) - sandbox0, postgres_cpu() - postgres0
    peak = max(w.peak_mb() for w in workers)
    warm_ids = {f.id for f in warm}
    passes = [p for w in workers for p in w.passes() if p[0] not in warm_ids]
    stop(workers)
    records = sum(p[1] for p in passes)
    requests = sum(p[2] for p in passes)
    active_ids = {f.id for f in active}
    idle_passes = sum(1 for p in passes if p[0] not in active_ids)
    lat = sorted(done[b] - approved[b] for b in approved)
    span = finished - (began if load == "backlog" else min(approved.values()))
    return {
        "bills": str(len(approved)),
        "records": str(records),
        "records/s": f"{records / span:.1f}",
        "p50": f"{statistics.median(lat) * 1000:.0f} ms" if load == "steady" else "-",
        "p95": f"{lat[int(len(lat) * 0.95) - 1] * 1000:.0f} ms" if load == "steady" else "-",
        "cpu/record": f"{cpu / max(records, 1) * 1000:.2f} ms",
        "requests/record": f"{requests / max(records, 1):.2f}",
        "sandbox cpu/record": f"{sandbox_cpu / max(records, 1) * 1000:.2f} ms",
        "PostgreSQL cpu/record": f"{pg_cpu / max(records, 1) * 1000:.2f} ms",
        "peak memory/worker": f"{peak:.0f} MB",
        "companies at once": str(most),
        "passes for idle firms": str(idle_passes),
    }


# ---- the embedded engine on the same load ------------------------------------------------------


def embedded(
    ledger: Ledger,
    settings: Settings,
    firms: list[Firm],
    args: argparse.Namespace,
    warm: list[Firm],
) -> dict[str, str]:
    """The steady load once more, synced by the embedded engine (`lawsync serve`'s worker, woken
    by the commits of its own process) instead of queued jobs: the CPU per record to compare.

    The approvals run on a thread of their own and their CPU (thread time) is taken out of the
    process's, so what is left is the engine's."""
    rng = random.Random(0)
    active = firms[: max(1, int(len(firms) * args.active))]
    approved: dict[int, float] = {}
    records = requests = 0

    async def run_firm(firm_id: int) -> None:
        nonlocal records, requests
        report = await run_pass_now(ledger, firm_id, settings)
        records += report.synced
        requests += report.requests

    def generate() -> float:
        began = time.thread_time()
        interval, deadline = 1 / args.rate, time.time() + args.seconds
        next_at = time.time()
        while time.time() < deadline:
            bill, at = approve_one(ledger, rng.choice(active))
            approved[bill] = at
            next_at += interval
            time.sleep(max(0.0, next_at - time.time()))
        return time.thread_time() - began

    async def go() -> tuple[float, float]:
        worker = SyncWorker(ledger, run_firm, safety_seconds=0)
        await worker.start()
        await asyncio.to_thread(warm_up, ledger, warm)
        nonlocal records, requests
        records = requests = 0
        cpu0 = time.process_time()
        try:
            generator_cpu = await asyncio.to_thread(generate)
            while len(synced_at(ledger, list(approved))) < len(approved):
                await asyncio.sleep(0.1)
            await worker.idle()
        finally:
            await worker.stop()
        return time.process_time() - cpu0, generator_cpu

    enqueue.uninstall(ledger)
    try:
        cpu, generator_cpu = asyncio.run(go())
    finally:
        enqueue.install(ledger)
    done = synced_at(ledger, list(approved))
    lat = sorted(done[b] - approved[b] for b in approved)
    return {
        "bills": str(len(approved)),
        "records": str(records),
        "p50": f"{statistics.median(lat) * 1000:.0f} ms",
        "p95": f"{lat[int(len(lat) * 0.95) - 1] * 1000:.0f} ms",
        "cpu/record": f"{(cpu - generator_cpu) / max(records, 1) * 1000:.2f} ms",
        "requests/record": f"{requests / max(records, 1):.2f}",
    }


# ---- procrastinate's own throughput ----------------------------------------------------------


def job_throughput(database_url: str, jobs: int) -> dict[str, str]:
    """Jobs deferred per second (a transaction each, queueing lock, as commits do) and no-op
    jobs run per second by one worker (concurrency 50)."""
    from lawsync.sync import jobs as sync_jobs

    engine = create_engine(database_url)
    began = time.perf_counter()
    for i in range(jobs):
        with engine.begin() as conn:
            sync_jobs.defer_pass(conn.connection.driver_connection, 10_000_000 + i, f"bench{i}")
    deferred = jobs / (time.perf_counter() - began)
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE procrastinate_jobs SET task_name = 'bench.noop', lock = NULL"
                " WHERE task_name = 'lawsync.sync_firm' AND status = 'todo'"
            )
        )
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url))
    )

    @app.task(name="bench.noop", queue="sync")
    async def noop(firm_id: int, attempt: int = 0) -> None:
        return None

    async def drain() -> float:
        async with app.open_async():
            start = time.perf_counter()
            await app.run_worker_async(
                queues=["sync"],
                concurrency=50,
                wait=False,
                install_signal_handlers=False,
                delete_jobs="successful",
                listen_notify=False,
            )
            return time.perf_counter() - start

    ran = jobs / asyncio.run(drain())
    with engine.begin() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'bench.noop'")
        ).scalar_one()
    engine.dispose()
    return {"deferred/s": f"{deferred:.0f}", "run/s (1 worker)": f"{ran:.0f}", "left": str(left)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=200)
    parser.add_argument("--active", type=float, default=0.9, help="share of firms that get bills")
    parser.add_argument("--rate", type=float, default=10.0, help="bills approved per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--window", type=float, default=6.0)
    parser.add_argument("--jobs", type=int, default=3000, help="for procrastinate's throughput")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument(
        "--latency",
        type=int,
        default=0,
        help="ms each sandbox company waits before answering (a remote service's answer time)",
    )
    parser.add_argument(
        "--no-embedded",
        dest="embedded",
        action="store_false",
        help="skip the steady load's run through the embedded engine",
    )
    args = parser.parse_args()

    admin_url = os.environ.get(
        "LAWSYNC_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    name = f"lawsync_bench_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database_url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    tmp = Path(tempfile.mkdtemp())
    port = free_port()
    sandbox_proc = start_sandbox(port)
    sandbox = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LAWSYNC_DATABASE_URL": database_url,
        "LAWSYNC_SYNC_MODE": "queue",
        "LAWSYNC_QBO_BASE_URL": sandbox,
        "LAWSYNC_QBO_CLIENT_ID": CLIENT_ID,
        "LAWSYNC_QBO_CLIENT_SECRET": CLIENT_SECRET,
        "LAWSYNC_SECRET_KEY": "bench-secret-key-" + "x" * 32,
        # The change-data-capture poll (a request per company every 5 minutes, measured in
        # bench/sync_inbound.py) would find every new company due at once when a worker starts.
        "LAWSYNC_CDC_POLL_SECONDS": "86400",
    }
    try:
        settings = Settings.from_env(env)
        engine = open_database(database_url)
        ledger = ledger_on(engine)
        firms = make_firms(
            ledger, settings, sandbox, args.firms, args.window, "Scale", args.latency
        )
        warm = make_firms(ledger, settings, sandbox, 8, args.window, "Warm", args.latency)
        first_pulls(ledger, settings, firms + warm)
        enqueue.install(ledger)
        with engine.begin() as conn:  # the set-up's own passes are not measured
            conn.execute(text("DELETE FROM procrastinate_jobs"))
        results: dict[str, dict[str, str]] = {}
        for n in (int(x) for x in args.workers.split(",")):
            for load in ("steady", "backlog"):
                results[f"{load}, {n} worker{'s' if n > 1 else ''}"] = run(
                    ledger, env, firms, n, args, tmp, load, sandbox_proc.pid, warm
                )
        if args.embedded:  # on firms of its own, new as the first run's were
            twins = make_firms(
                ledger, settings, sandbox, args.firms, args.window, "Embedded", args.latency
            )
            first_pulls(ledger, settings, twins)
            with engine.begin() as conn:  # their set-up's jobs: no worker runs them
                conn.execute(text("DELETE FROM procrastinate_jobs"))
            same = embedded(ledger, settings, twins, args, warm)
            results["steady, embedded"] = {k: same.get(k, "") for k in next(iter(results.values()))}
        table = Table(
            title=f"{args.firms} firms / companies ({int(args.firms * args.active)} get bills);"
            f" steady {args.rate:g} bills/s for {args.seconds:g} s; backlog {args.backlog} bills;"
            f" window {args.window:g} s"
        )
        table.add_column("measure")
        for label in results:
            table.add_column(label, justify="right")
        for key in next(iter(results.values())):
            table.add_row(key, *(r[key] for r in results.values()))
        console = Console(width=140)
        console.print(table)
        engine.dispose()
        throughput = job_throughput(database_url, args.jobs)
        console.print(f"procrastinate, {args.jobs} jobs: {throughput}")
    finally:
        sandbox_proc.terminate()
        sandbox_proc.wait(10)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
