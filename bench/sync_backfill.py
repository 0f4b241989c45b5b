"""Backfill benchmark: a firm's whole history pushed to a sandbox company under real limits.

    .venv/bin/python -m bench.sync_backfill [--contacts 1000] [--bills 5000] [--window 6]

The practice data is inserted in bulk (not timed); the sandbox runs in its own process with
QuickBooks' limits (500 requests, 40 batches per window, 10 concurrent), the window scaled
down from 60 s to keep the run short, and the client paced to the same limits. Reported:
API requests per synced record, records synced per window against the ceiling those limits
allow (40 × 30 + 460 = 1,660 operations), the engine's CPU per record (this process: engine,
client and SQLite), and this process's peak memory.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from lawsync.bootstrap import ledger_on, open_database
from lawsync.practice.commands import FirmCreate
from lawsync.practice.models import (
    Bill,
    BillLine,
    BillState,
    Contact,
    ContactEmail,
    ContactKind,
    LineKind,
    Matter,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    bill_matters,
)
from lawsync.practice.services.context import Ledger
from lawsync.practice.services.firms import create_firm
from lawsync.quickbooks import (
    AsyncQuickBooks,
    Environment,
    Item,
    MemoryTokenStore,
    Pacing,
    QuickBooksConfig,
    RetryPolicy,
    TokenSet,
)
from lawsync.sync.engine import run_pass
from lawsync.sync.models import ItemMapping, QuickBooksConnection, SyncSettings

CLIENT_ID, CLIENT_SECRET = "bench-app", "bench-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_company(url: str, name: str) -> tuple[httpx.Client, str, TokenSet]:
    """The benchmark's app and a fresh company in the sandbox at ``url``: its control API,
    the company's realm id, and tokens for it."""
    control = httpx.Client(base_url=url, timeout=30)
    control.post(
        "/_sandbox/apps",
        json={
            "name": "bench",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": ["http://127.0.0.1/cb"],
        },
    ).raise_for_status()
    info = control.post(
        "/_sandbox/companies", json={"name": name, "edition": "plus", "country": "US"}
    ).json()
    realm = str(info["realm_id"])
    tokens = TokenSet.from_response(
        realm,
        control.post(f"/_sandbox/companies/{realm}/tokens", json={"client_id": CLIENT_ID}).json(),
    )
    return control, realm, tokens


def bench_client(url: str, tokens: TokenSet) -> AsyncQuickBooks:
    """A client of the sandbox at ``url`` holding ``tokens``, for the set-up calls."""
    config = QuickBooksConfig(
        environment=Environment.LOCAL,
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )
    return AsyncQuickBooks(config, MemoryTokenStore(tokens))


def set_limits(control: httpx.Client, realm: str, window: float) -> None:
    """QuickBooks' limits on the company, its window scaled; set after the set-up calls, which
    also empties the sandbox's window."""
    limits = {"per_window": 500, "concurrent": 10, "batches_per_window": 40}
    control.patch(
        f"/_sandbox/companies/{realm}", json={"limits": {**limits, "window_seconds": window}}
    ).raise_for_status()


def seed(ledger: Ledger, engine: object, contacts: int, bills: int) -> int:
    firm = create_firm(ledger, FirmCreate(name="Backfill LLP", admin_email="b@example.com")).firm
    f = firm.id
    day = dt.date(2026, 1, 5)
    now = dt.datetime.now(dt.UTC)
    stamp = {"created_at": now, "updated_at": now, "revision": 1}
    with ledger.uow(f) as uow:
        s = uow.session
        s.execute(
            insert(Contact),
            [
                {
                    "id": i,
                    "firm_id": f,
                    "kind": ContactKind.person,
                    "first_name": "Client",
                    "last_name": f"N{i:05d}",
                    "company_name": "",
                    "display_name": f"Client N{i:05d}",
                    "web_address": "",
                    "street": "",
                    "city": "",
                    "region": "",
                    "postal_code": "",
                    "country": "",
                    **stamp,
                }
                for i in range(1, contacts + 1)
            ],
        )
        s.execute(
            insert(ContactEmail),
            [
                {
                    "firm_id": f,
                    "contact_id": i,
                    "address": f"c{i}@example.com",
                    "kind": "work",
                    "is_primary": True,
                }
                for i in range(1, contacts + 1)
            ],
        )
        s.execute(
            insert(Matter),
            [
                {
                    "id": i,
                    "firm_id": f,
                    "client_id": i,
                    "number": f"{i:05d}",
                    "description": "",
                    "status": "open",
                    **stamp,
                }
                for i in range(1, contacts + 1)
            ],
        )
        bill_rows, line_rows, links, pay_rows, alloc_rows = [], [], [], [], []
        for b in range(1, bills + 1):
            client = (b - 1) % contacts + 1
            amounts = [Decimal(100 + b % 97) + Decimal("0.25"), Decimal(35) + Decimal(b % 13)]
            total = sum(amounts, Decimal(0))
            bill_rows.append(
                {
                    "id": b,
                    "firm_id": f,
                    "client_id": client,
                    "number": str(1000 + b),
                    "state": BillState.paid,
                    "issue_date": day,
                    "due_date": day + dt.timedelta(30),
                    "currency": "USD",
                    "discount_kind": "none",
                    "discount_value": Decimal(0),
                    "primary_tax_name": "",
                    "secondary_tax_name": "",
                    "subtotal": total,
                    "primary_tax_total": 0,
                    "secondary_tax_total": 0,
                    "discount_total": 0,
                    "total": total,
                    "paid_total": total,
                    "credited_total": 0,
                    "balance": 0,
                    "memo": "",
                    **stamp,
                }
            )
            for pos, amount in enumerate(amounts, 1):
                line_rows.append(
                    {
                        "firm_id": f,
                        "bill_id": b,
                        "position": pos,
                        "kind": LineKind.time,
                        "matter_id": client,
                        "date": day,
                        "description": "Work",
                        "quantity": Decimal(1),
                        "price": amount,
                        "amount": amount,
                        "primary_tax_rate": 0,
                        "primary_tax": 0,
                        "secondary_tax_rate": 0,
                        "secondary_tax": 0,
                    }
                )
            links.append({"bill_id": b, "matter_id": client})
            pay_rows.append(
                {
                    "id": b,
                    "firm_id": f,
                    "client_id": client,
                    "date": day + dt.timedelta(10),
                    "amount": total,
                    "method": PaymentMethod.cheque,
                    "reference": f"CHQ {b}",
                    "source": "operating",
                    "state": "active",
                    **stamp,
                }
            )
            alloc_rows.append({"firm_id": f, "payment_id": b, "bill_id": b, "amount": total})
        for table, rows in (
            (Bill, bill_rows),
            (BillLine, line_rows),
            (bill_matters, links),
            (Payment, pay_rows),
            (PaymentAllocation, alloc_rows),
        ):
            s.execute(insert(table), rows)  # type: ignore[arg-type]
        uow.commit()
    return f


def start_sandbox(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawsync.sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/_sandbox/openapi.json", timeout=1)
            return proc
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("sandbox did not start")


async def backfill(
    ledger: Ledger,
    firm_id: int,
    url: str,
    realm: str,
    tokens: TokenSet,
    window: float,
    spare_requests: bool,
) -> tuple[int, int, float, float, int]:
    pacing = Pacing(per_window=500, concurrent=10, batches_per_window=40, window_seconds=window)
    config = QuickBooksConfig(
        environment=Environment.LOCAL,
        base_url=url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        pacing=pacing,
        # QuickBooks asks for a minute's pause after a 429; scaled with the window like the rest.
        retry=RetryPolicy(throttle_seconds=window),
    )
    synced = requests = passes = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    global STARTED
    STARTED = wall0
    async with AsyncQuickBooks(
        config, MemoryTokenStore(tokens), on_event=lambda e: STATUSES.update([e.status])
    ) as qb:
        while True:
            report = await run_pass(
                ledger,
                firm_id,
                qb,
                spare_requests=spare_requests,
                after_reply=lambda jobs: ANSWERED.append((time.perf_counter(), len(jobs))),
            )
            passes += 1
            synced += report.synced
            requests += report.requests
            if report.synced == 0 or report.note:
                break
    return synced, requests, time.process_time() - cpu0, time.perf_counter() - wall0, passes


STATUSES: Counter[int | None] = Counter()
STARTED = 0.0
ANSWERED: list[tuple[float, int]] = []  # (when, how many operations) for every reply


def steady_per_window(start: float, window: float) -> float:
    """Operations answered per whole window, leaving out the first (a rolling limit lets a
    fresh company's first window fill at once) and the last, partial one."""
    end = ANSWERED[-1][0] if ANSWERED else start
    whole = int((end - start) / window)
    counts = [0] * max(whole, 0)
    for when, n in ANSWERED:
        k = int((when - start) / window)
        if k < whole:
            counts[k] += n
    middle = counts[1:]
    return sum(middle) / len(middle) if middle else float("nan")


MODES = {
    "batches": "batches only (default)",
    "spare": "batches + spare requests",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=1000)
    parser.add_argument("--bills", type=int, default=5000)
    parser.add_argument("--window", type=float, default=6.0)
    parser.add_argument(
        "--mode",
        choices=["both", *MODES],
        default="both",
        help="both: each mode in its own process, one fresh company each, side by side",
    )
    parser.add_argument("--json", action="store_true", help="print one mode's figures as JSON")
    args = parser.parse_args()
    if args.mode == "both":
        side_by_side(args)
    else:
        measure(args)


def side_by_side(args: argparse.Namespace) -> None:
    results = {}
    for mode in MODES:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.sync_backfill",
                "--mode",
                mode,
                "--json",
                *("--contacts", str(args.contacts), "--bills", str(args.bills)),
                *("--window", str(args.window)),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        results[mode] = json.loads(out.stdout.strip().splitlines()[-1])
    table = Table(
        title=f"Backfill: {args.contacts} contacts, {args.bills} bills, "
        f"{args.bills} payments; window {args.window:g} s"
    )
    table.add_column("measure")
    for mode in MODES:
        table.add_column(MODES[mode], justify="right")
    table.add_column("target", justify="right")
    for label, key, target in ROWS:
        table.add_row(label, *(results[m][key] for m in MODES), target)
    Console(width=120).print(table)


ROWS = (
    ("records synced", "synced", ""),
    ("passes", "passes", ""),
    ("wall time", "wall", ""),
    ("API requests per record", "requests_per_record", "≤ 0.1"),
    ("records per window, whole run", "per_window", ""),
    ("records per window, steady (2nd window on)", "steady", "≥ 90%"),
    ("engine CPU per record", "cpu_per_record", "< 1 ms"),
    ("peak memory (this process)", "peak", "< 300 MB"),
    ("HTTP statuses seen by the client", "statuses", "no 429"),
)


def measure(args: argparse.Namespace) -> None:
    tmp = Path(tempfile.mkdtemp())
    engine = open_database(f"sqlite:///{tmp / 'bench.db'}")
    ledger = ledger_on(engine)
    firm_id = seed(ledger, engine, args.contacts, args.bills)
    port = free_port()
    sandbox = start_sandbox(port)
    url = f"http://127.0.0.1:{port}"
    try:
        control, realm, tokens = bench_company(url, "Backfill")

        async def first_item() -> str:
            async with bench_client(url, tokens) as qb:
                items = await qb.query(realm, Item)
            return next(
                str(i.Id)
                for i in items
                if (i.model_extra or {}).get("Type") == "Service"
                or getattr(i, "Type", None) == "Service"
            )

        item = asyncio.run(first_item())
        # The limits go on after the set-up call, which also empties the sandbox's window.
        set_limits(control, realm, args.window)
        with ledger.uow(firm_id) as uow:
            conn = QuickBooksConnection(firm_id=firm_id, realm_id=realm, edition="plus")
            uow.session.add(conn)
            uow.session.flush()
            uow.session.add(SyncSettings(firm_id=firm_id, export_bills=True))
            uow.session.add(
                ItemMapping(
                    firm_id=firm_id,
                    connection_id=conn.id,
                    kind="activity",
                    category_id=0,
                    item_id=item,
                )
            )
            uow.commit()
        synced, requests, cpu, wall, passes = asyncio.run(
            backfill(ledger, firm_id, url, realm, tokens, args.window, args.mode == "spare")
        )
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    windows = wall / args.window
    per_window = synced / max(windows, 1e-9)
    steady = steady_per_window(STARTED, args.window)
    figures = {
        "synced": f"{synced}",
        "passes": f"{passes}",
        "wall": f"{wall:.1f} s ({windows:.1f} windows)",
        "requests_per_record": f"{requests / max(synced, 1):.3f}",
        "per_window": f"{per_window:.0f} ({per_window / 1660:.0%} of 1,660)",
        "steady": f"{steady:.0f} ({steady / 1660:.0%} of 1,660)",
        "cpu_per_record": f"{cpu / max(synced, 1) * 1000:.3f} ms",
        "peak": f"{peak_mb:.0f} MB",
        "statuses": ", ".join(f"{k}: {v}" for k, v in sorted(STATUSES.items(), key=str)),
    }
    if args.json:
        print(json.dumps(figures))
        return
    table = Table(title=f"Backfill, {MODES[args.mode]}: window {args.window:g} s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for label, key, target in ROWS:
        table.add_row(label, figures[key], target)
    Console().print(table)


if __name__ == "__main__":
    main()
