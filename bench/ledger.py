"""Ledger benchmarks: bills created and approved per second, and the client funds ledger report.

    .venv/bin/python -m bench.ledger [--database-url URL] [--bills 10000] [--transactions 100000]

Without --database-url the benchmark uses a fresh SQLite file in a temporary directory. Setup
(contacts, matters, time entries, trust transactions) is inserted in bulk and is not timed; what
is timed goes through the service layer, one use case (one transaction) at a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from lawsync.bootstrap import ledger_on, open_database
from lawsync.money import line_amount
from lawsync.practice.commands import BillCreate, ClientFundsAccountCreate, FirmCreate
from lawsync.practice.models import (
    ClientFundsBalance,
    ClientFundsTransaction,
    Contact,
    ContactKind,
    Matter,
    TimeEntry,
    TrustTxnKind,
)
from lawsync.practice.services import bills, client_funds, reports
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import create_firm
from lawsync.web.api.serialize import ledger_report

LINES_PER_BILL = 10
DAY0 = dt.date(2025, 1, 1)
CHUNK = 5000


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


def _bulk(engine: Engine, model: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for chunk in _chunks(rows):
            conn.execute(insert(model.__table__), chunk)


def _ids(engine: Engine, model: Any, firm_id: int) -> list[int]:
    table = model.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            table.select().with_only_columns(table.c.id).where(table.c.firm_id == firm_id)
        )
        return sorted(r[0] for r in rows)


def setup_firm(ledger: Ledger) -> Actor:
    tag = uuid.uuid4().hex[:8]
    made = create_firm(ledger, FirmCreate(name=f"Bench {tag}", admin_email=f"b-{tag}@example.com"))
    return Actor(made.firm.id, made.admin.id)


def insert_clients(engine: Engine, firm_id: int, n: int, prefix: str) -> list[int]:
    rows = [
        {
            "firm_id": firm_id,
            "kind": ContactKind.person,
            "first_name": prefix,
            "last_name": f"{i:06d}",
            "display_name": f"{prefix} {i:06d}",
        }
        for i in range(n)
    ]
    _bulk(engine, Contact, rows)
    with engine.connect() as conn:
        t = Contact.__table__
        return [
            r[0]
            for r in conn.execute(
                t.select()
                .with_only_columns(t.c.id)
                .where(t.c.firm_id == firm_id, t.c.first_name == prefix)
                .order_by(t.c.id)
            )
        ]


def setup_billing(engine: Engine, actor: Actor, n_bills: int) -> list[tuple[int, int]]:
    """One matter per bill (ten per client), each with ten unbilled time entries."""
    rng = random.Random(1)
    clients = insert_clients(engine, actor.firm_id, max(1, -(-n_bills // 10)), "Billed")
    matters = [
        {
            "firm_id": actor.firm_id,
            "client_id": clients[i // 10],
            "number": f"B{i:07d}",
            "description": "Benchmark matter",
        }
        for i in range(n_bills)
    ]
    _bulk(engine, Matter, matters)
    matter_ids = _ids(engine, Matter, actor.firm_id)[-n_bills:]
    entries = []
    for m in matter_ids:
        for j in range(LINES_PER_BILL):
            hours = Decimal(rng.randint(1, 4000)) / 1000
            rate = Decimal(rng.randint(10000, 600000)) / 1000
            entries.append(
                {
                    "firm_id": actor.firm_id,
                    "user_id": actor.user_id,
                    "matter_id": m,
                    "date": DAY0 + dt.timedelta(days=j),
                    "hours": hours,
                    "rate": rate,
                    "amount": line_amount(hours, rate),
                    "description": "Drafting and correspondence",
                }
            )
    _bulk(engine, TimeEntry, entries)
    return [(clients[i // 10], m) for i, m in enumerate(matter_ids)]


def setup_trust(engine: Engine, ledger: Ledger, actor: Actor, n_txns: int) -> int:
    """One account with n_txns deposits and disbursements for ~500 clients, buckets consistent."""
    rng = random.Random(2)
    account = client_funds.create_account(ledger, actor, ClientFundsAccountCreate(name="Trust"))
    clients = insert_clients(engine, actor.firm_id, 500, "Trust")
    matters = [
        {"firm_id": actor.firm_id, "client_id": c, "number": f"T{i:07d}", "description": "Trust"}
        for i, c in enumerate(clients)
    ]
    _bulk(engine, Matter, matters)
    trust_matters = _ids(engine, Matter, actor.firm_id)[-len(clients) :]
    matter_of = dict(zip(clients, trust_matters, strict=True))
    balances: dict[tuple[int, int | None], Decimal] = {}
    txns = []
    for i in range(n_txns):
        client = clients[rng.randrange(len(clients))]
        matter = matter_of[client] if rng.random() < 0.7 else None
        held = balances.get((client, matter), Decimal("0"))
        if held > 0 and rng.random() < 0.45:
            amount = -min(held, Decimal(rng.randint(1, 200000)) / 100)
            kind = TrustTxnKind.disbursement
        else:
            amount = Decimal(rng.randint(1, 500000)) / 100
            kind = TrustTxnKind.deposit
        balances[(client, matter)] = held + amount
        txns.append(
            {
                "firm_id": actor.firm_id,
                "account_id": account.id,
                "client_id": client,
                "matter_id": matter,
                "kind": kind,
                "date": DAY0 + dt.timedelta(days=i * 730 // n_txns),
                "amount": amount,
                "description": "Retainer" if amount > 0 else "Paid out",
                "source": "Client" if amount > 0 else "",
                "payee_name": "" if amount > 0 else "Registry",
            }
        )
    _bulk(engine, ClientFundsTransaction, txns)
    _bulk(
        engine,
        ClientFundsBalance,
        [
            {
                "firm_id": actor.firm_id,
                "account_id": account.id,
                "client_id": c,
                "matter_key": m or 0,
                "balance": b,
            }
            for (c, m), b in balances.items()
        ],
    )
    return int(account.id)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ledger", description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--bills", type=int, default=10_000)
    parser.add_argument("--transactions", type=int, default=100_000)
    args = parser.parse_args(argv)
    console = Console()

    url = args.database_url
    if url is None:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='lawsync-bench-')) / 'bench.db'}"
    engine = open_database(url)
    ledger = ledger_on(engine)
    actor = setup_firm(ledger)
    backend = engine.dialect.name
    console.print(f"[bold]lawsync ledger benchmark[/] on {backend} ({engine.url.database})")

    with console.status(f"inserting {args.bills * LINES_PER_BILL:,} time entries..."):
        targets = setup_billing(engine, actor, args.bills)

    bill_ids: list[int] = []
    with console.status(f"creating {args.bills:,} bills..."):
        t = time.perf_counter()
        for client_id, matter_id in targets:
            cmd = BillCreate(client_id=client_id, matter_ids=[matter_id], issue_date=DAY0)
            bill_ids.append(bills.create_bill(ledger, actor, cmd).id)
        create_s = time.perf_counter() - t
    with console.status(f"approving {args.bills:,} bills..."):
        t = time.perf_counter()
        for bill_id in bill_ids:
            bills.approve_bill(ledger, actor, bill_id)
        approve_s = time.perf_counter() - t

    with console.status(f"inserting {args.transactions:,} trust transactions..."):
        account_id = setup_trust(engine, ledger, actor, args.transactions)
    with console.status("running the client funds ledger report..."):
        report_times, report = timed(
            lambda: reports.client_funds_ledger(ledger, actor, account_id), 5
        )
        json_times, _ = timed(lambda: json.dumps(ledger_report(report)), 5)
        both_times, _ = timed(
            lambda: json.dumps(
                ledger_report(reports.client_funds_ledger(ledger, actor, account_id))
            ),
            5,
        )
    assert report.transaction_count == args.transactions
    assert report.closing == report.account_balance

    table = Table(title=f"Ledger benchmark, {backend}")
    table.add_column("measure")
    table.add_column("result", justify="right")
    table.add_column("detail", justify="right")
    table.add_row(
        f"create bills ({LINES_PER_BILL} lines)",
        f"{args.bills / create_s:,.0f} bills/s",
        f"{args.bills:,} in {create_s:.1f} s",
    )
    table.add_row("approve bills", f"{args.bills / approve_s:,.0f} bills/s", f"{approve_s:.1f} s")
    for label, times in (
        (f"ledger report ({args.transactions:,} txns)", report_times),
        ("  JSON rendering of it", json_times),
        ("  report + JSON", both_times),
    ):
        table.add_row(
            label,
            f"{min(times):.2f} s best",
            f"{statistics.median(times):.2f} s median of {len(times)}",
        )
    console.print(table)
    engine.dispose()


if __name__ == "__main__":
    main()
