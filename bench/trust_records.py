"""Trust records and the ledger ↔ QuickBooks comparison, timed.

    .venv/bin/python -m bench.trust_records [--clients 1000] [--transactions 50000]
        [--compare-clients 1000] [--compare-transactions 3000]

1. Every record of one trust account holding `--transactions` movements for `--clients` clients
   (the backfill benchmark's data, inserted in bulk, not timed; as many audit events as
   movements): each record built and rendered as CSV, then built and rendered as PDF, wall and
   CPU time of each.
2. The comparison after a pass (`lawsync.sync.trust_drift.compare`) for `--compare-clients`
   clients whose history a backfill first sent to a sandbox company (its own process, limits
   raised so the set-up is quick): wall time and the number of requests it made.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from bench.sync_backfill import CLIENT_ID, CLIENT_SECRET, free_port, start_sandbox
from bench.sync_trust_backfill import connect, seed
from lawsync.bootstrap import ledger_on, open_database
from lawsync.practice.models import AuditEvent, User
from lawsync.practice.services.context import Actor, Ledger
from lawsync.quickbooks import (
    AsyncQuickBooks,
    Environment,
    MemoryTokenStore,
    QuickBooksConfig,
    TokenSet,
)
from lawsync.reports import pdf, registry, render
from lawsync.reports import records as _records  # noqa: F401 - registers the records
from lawsync.reports.record import RecordParams
from lawsync.sync import context, trust_drift
from lawsync.sync.engine import run_pass

RECORDS = (
    "trust-journal",
    "client-trust-ledger",
    "client-trust-listing",
    "exceptions",
    "audit-log",
)
AS_OF = dt.date(2025, 12, 31)


def audit_events(ledger: Ledger, firm_id: int, count: int) -> None:
    """As many audit rows as movements: the audit log of a busy firm."""
    with ledger.uow(firm_id) as uow:
        s = uow.session
        user = s.query(User).filter(User.firm_id == firm_id).first()
        assert user is not None
        start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        rows = [
            {
                "firm_id": firm_id,
                "at": start + dt.timedelta(minutes=n * 21),
                "user_id": user.id,
                "entity": "client_funds_transaction",
                "entity_id": n + 1,
                "action": "post",
                "changes": {"amount": f"{n % 5000}.00", "kind": "deposit"},
                "reason": "",
            }
            for n in range(count)
        ]
        for i in range(0, len(rows), 5000):
            s.execute(insert(AuditEvent), rows[i : i + 5000])
        uow.commit()


def timed(fn: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def records(clients: int, transactions: int) -> list[tuple[str, ...]]:
    tmp = Path(tempfile.mkdtemp())
    ledger = ledger_on(open_database(f"sqlite:///{tmp / 'records.db'}"))
    firm_id, account_id = seed(ledger, clients, transactions)
    audit_events(ledger, firm_id, transactions)
    with ledger.uow(firm_id) as uow:
        admin = uow.session.query(User).filter(User.firm_id == firm_id).one()
        actor = Actor(firm_id, admin.id, admin.role)
    params = RecordParams(account_id=account_id, as_of=AS_OF)
    rows: list[tuple[str, ...]] = []
    for name in RECORDS:

        def as_csv(name: str = name) -> tuple[int, int]:
            built = registry.build(ledger, actor, name, params)
            return built.row_count, len(render.as_csv(built))

        def as_pdf(name: str = name) -> tuple[int, int]:
            built = registry.build(ledger, actor, name, params)
            return built.row_count, len(pdf.as_pdf(built))

        (count, csv_size), csv_wall, csv_cpu = timed(as_csv)
        (_, pdf_size), pdf_wall, pdf_cpu = timed(as_pdf)
        rows.append(
            (
                name,
                f"{count:,}",
                f"{csv_wall:.2f} s ({csv_cpu:.2f} s CPU), {csv_size / 1e6:.1f} MB",
                f"{pdf_wall:.2f} s ({pdf_cpu:.2f} s CPU), {pdf_size / 1e6:.1f} MB",
            )
        )
    return rows


async def compared(
    ledger: Ledger, firm_id: int, url: str, tokens: TokenSet
) -> tuple[trust_drift.Outcome, float, int]:
    config = QuickBooksConfig(
        environment=Environment.LOCAL,
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    async with AsyncQuickBooks(config, MemoryTokenStore(tokens)) as qb:
        while True:  # the backfill: every client and movement sent
            report = await run_pass(ledger, firm_id, qb)
            if report.synced == 0 or report.note:
                break
        ctx = context.load(ledger, firm_id, qb)
        assert not isinstance(ctx, context.NotStarted)
        await context.prepare(ctx)
        with ctx.counting():
            t, cpu = time.perf_counter(), time.process_time()
            outcome = await trust_drift.compare(ctx)
            wall = time.perf_counter() - t
            outcome.notes.append(f"{time.process_time() - cpu:.3f} s")
    return outcome, wall, outcome.requests


def comparison(clients: int, transactions: int) -> tuple[trust_drift.Outcome, float, int]:
    tmp = Path(tempfile.mkdtemp())
    ledger = ledger_on(open_database(f"sqlite:///{tmp / 'compare.db'}"))
    firm_id, account_id = seed(ledger, clients, transactions)
    port = free_port()
    sandbox = start_sandbox(port)
    url = f"http://127.0.0.1:{port}"
    try:
        # A short window: QuickBooks' limits, 60 times as fast, so the set-up takes seconds.
        tokens = connect(ledger, firm_id, account_id, url, 1.0)
        return asyncio.run(compared(ledger, firm_id, url, tokens))
    finally:
        sandbox.terminate()
        sandbox.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--transactions", type=int, default=50_000)
    parser.add_argument("--compare-clients", type=int, default=1000)
    parser.add_argument("--compare-transactions", type=int, default=3000)
    parser.add_argument("--skip-records", action="store_true")
    parser.add_argument("--skip-comparison", action="store_true")
    args = parser.parse_args()
    console = Console()
    if not args.skip_records:
        table = Table(
            title=f"Trust records: one account, {args.transactions:,} movements, "
            f"{args.clients:,} clients (target: CSV and PDF each < 5 s)"
        )
        for heading in ("record", "rows", "CSV (build + render)", "PDF (build + render)"):
            table.add_column(heading)
        for row in records(args.clients, args.transactions):
            table.add_row(*row)
        console.print(table)
    if not args.skip_comparison:
        outcome, wall, requests = comparison(args.compare_clients, args.compare_transactions)
        table = Table(
            title=f"Ledger ↔ QuickBooks after a pass: {outcome.clients_compared:,} clients "
            "(target: < 1 s, a handful of requests)"
        )
        for heading in ("measure", "value"):
            table.add_column(heading)
        table.add_row("wall time of the comparison", f"{wall:.3f} s")
        table.add_row("CPU of the comparison in lawsync's process", outcome.notes[-1])
        table.add_row("requests", str(requests))
        table.add_row("differences found", str(outcome.differences))
        console.print(table)


if __name__ == "__main__":
    main()
