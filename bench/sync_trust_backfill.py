"""Client funds backfill: a firm's trust history pushed to a sandbox company under real limits.

    .venv/bin/python -m bench.sync_trust_backfill [--clients 1000] [--transactions 50000]
        [--window 6] [--series]

The practice data (one trust account; deposits, transfers out and a few reversals across many
clients, balances consistent) is inserted in bulk and not timed, as for the bill backfill
(`bench.sync_backfill`). The sandbox runs in its own process with QuickBooks' limits (500
requests, 40 batches per window, 10 concurrent), the window scaled down from 60 s and the client
paced to the same limits. The engine spends batches only (the default, not fast catch-up), so
its ceiling is the batch ceiling: 40 × 30 = 1,200 operations per window, that is per minute at
QuickBooks' real window. Reported: records per window against that ceiling, API requests per
trust transaction and per synced record (the clients' customers count as records too), the
engine's CPU per record (this process: engine, client and SQLite), and this process's peak
memory.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import resource
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import insert

from bench.sync_backfill import (
    CLIENT_ID,
    CLIENT_SECRET,
    bench_client,
    bench_company,
    free_port,
    set_limits,
    start_sandbox,
)
from lawsync.bootstrap import ledger_on, open_database
from lawsync.practice.commands import ClientFundsAccountCreate, FirmCreate
from lawsync.practice.models import (
    ClientFundsBalance,
    ClientFundsTransaction,
    Contact,
    ContactEmail,
    ContactKind,
    DisbursementMethod,
    Matter,
    TrustTxnKind,
)
from lawsync.practice.services import client_funds
from lawsync.practice.services.context import Actor, Ledger
from lawsync.practice.services.firms import create_firm
from lawsync.quickbooks import (
    Account,
    AsyncQuickBooks,
    Environment,
    MemoryTokenStore,
    Pacing,
    QuickBooksConfig,
    RetryPolicy,
    TokenSet,
)
from lawsync.sync.engine import run_pass
from lawsync.sync.kinds import Kind
from lawsync.sync.models import ClientFundsMapping, QuickBooksConnection, SyncSettings

CEILING = 40 * 30  # operations per window that batches alone can carry
CHUNK = 5000  # rows per INSERT
DAY0 = dt.date(2024, 1, 1)
PAYEES = ("Land Registry", "County Court", "Title Insurer", "Escrow Agent", "Expert Witness")


def seed(ledger: Ledger, clients: int, transactions: int) -> tuple[int, int]:
    """A firm with one trust account: `transactions` movements over two years for `clients`
    clients (70 % of them for a matter); about 55 % deposits, 44 % transfers out (electronic,
    never more than the client holds), 1 % reversals of a transfer. The firm and the account go
    through the service layer, the rest is inserted in bulk, buckets matching the movements."""
    made = create_firm(ledger, FirmCreate(name="Trust Backfill LLP", admin_email="t@example.com"))
    f = made.firm.id
    actor = Actor(f, made.admin.id)
    account = client_funds.create_account(ledger, actor, ClientFundsAccountCreate(name="IOLTA"))
    now = dt.datetime.now(dt.UTC)
    stamp = {"created_at": now, "updated_at": now, "revision": 1}
    rng = random.Random(13)
    contacts = [
        {
            "id": i,
            "firm_id": f,
            "kind": ContactKind.person,
            "first_name": "Client",
            "last_name": f"T{i:05d}",
            "company_name": "",
            "display_name": f"Client T{i:05d}",
            "web_address": "",
            "street": "",
            "city": "",
            "region": "",
            "postal_code": "",
            "country": "",
            **stamp,
        }
        for i in range(1, clients + 1)
    ]
    emails = [
        {
            "firm_id": f,
            "contact_id": i,
            "address": f"t{i}@example.com",
            "kind": "work",
            "is_primary": True,
        }
        for i in range(1, clients + 1)
    ]
    matters = [
        {
            "id": i,
            "firm_id": f,
            "client_id": i,
            "number": f"T{i:05d}",
            "description": "",
            "status": "open",
            **stamp,
        }
        for i in range(1, clients + 1)
    ]
    held: dict[tuple[int, int | None], Decimal] = {}
    txns: list[dict[str, Any]] = []
    transfers: list[int] = []  # positions in txns of transfers out not yet reversed
    for n in range(transactions):
        txn_id = n + 1
        day = DAY0 + dt.timedelta(days=n * 730 // transactions)
        row: dict[str, Any] = {
            "id": txn_id,
            "firm_id": f,
            "account_id": account.id,
            "date": day,
            "description": "",
            "source": "",
            "payee_name": "",
            "method": None,
            "cheque_number": None,
            "reverses_id": None,
            "reversed": False,
            **stamp,
        }
        if transfers and rng.random() < 0.01:
            original = txns[transfers.pop(rng.randrange(len(transfers)))]
            original["reversed"], original["revision"] = True, 2  # as `reverse` marks it
            bucket = (original["client_id"], original["matter_id"])
            row |= {
                "client_id": bucket[0],
                "matter_id": bucket[1],
                "kind": TrustTxnKind.reversal,
                "amount": -original["amount"],
                "description": "Reversal: sent to the wrong account",
                "payee_name": original["payee_name"],
                "reverses_id": original["id"],
            }
        else:
            client = rng.randrange(clients) + 1
            bucket = (client, client if rng.random() < 0.7 else None)
            balance = held.get(bucket, Decimal(0))
            row |= {"client_id": bucket[0], "matter_id": bucket[1]}
            if balance > 0 and rng.random() < 0.45:
                amount = -min(balance, Decimal(rng.randint(100, 200_000)) / 100)
                row |= {
                    "kind": TrustTxnKind.disbursement,
                    "amount": amount,
                    "method": DisbursementMethod.eft,
                    "payee_name": rng.choice(PAYEES),
                    "description": "Paid out on the client's instructions",
                }
                transfers.append(len(txns))
            else:
                amount = Decimal(rng.randint(100, 500_000)) / 100
                row |= {
                    "kind": TrustTxnKind.deposit,
                    "amount": amount,
                    "source": "Client",
                    "description": "Retainer",
                }
        held[bucket] = held.get(bucket, Decimal(0)) + row["amount"]
        txns.append(row)
    balances = [
        {
            "firm_id": f,
            "account_id": account.id,
            "client_id": client,
            "matter_key": matter or 0,
            "balance": balance,
        }
        for (client, matter), balance in held.items()
    ]
    with ledger.uow(f) as uow:
        s = uow.session
        for model, rows in (
            (Contact, contacts),
            (ContactEmail, emails),
            (Matter, matters),
            (ClientFundsTransaction, txns),
            (ClientFundsBalance, balances),
        ):
            for start in range(0, len(rows), CHUNK):
                s.execute(insert(model), rows[start : start + CHUNK])
        uow.commit()
    return f, int(account.id)


STATUSES: Counter[int | None] = Counter()
# (when, how many operations, this process's CPU so far) for every reply
ANSWERED: list[tuple[float, int, float]] = []
STARTED = 0.0


def window_counts(start: float, window: float) -> list[int]:
    """Operations answered in each whole window from the start (the last, partial one left
    out)."""
    end = ANSWERED[-1][0] if ANSWERED else start
    whole = int((end - start) / window)
    counts = [0] * max(whole, 0)
    for when, n, _ in ANSWERED:
        k = int((when - start) / window)
        if k < whole:
            counts[k] += n
    return counts


def cpu_per_record(part: slice) -> float:
    """This process's CPU per operation answered, over a slice of the replies (ms)."""
    replies = ANSWERED[part]
    if len(replies) < 2:
        return float("nan")
    done = sum(n for _, n, _ in replies[1:])
    return (replies[-1][2] - replies[0][2]) / max(done, 1) * 1000


def steady_per_window(start: float, window: float) -> float:
    """Operations answered per whole window, leaving out the first (a rolling limit lets a
    fresh company's first window fill at once) and the last, partial one (as the bill
    backfill counts)."""
    middle = window_counts(start, window)[1:]
    return sum(middle) / len(middle) if middle else float("nan")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU a process has used so far (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def backfill(
    ledger: Ledger, firm_id: int, url: str, tokens: TokenSet, window: float
) -> dict[str, Any]:
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
    kinds: Counter[str] = Counter()
    synced = requests = passes = 0
    global STARTED
    cpu0 = time.process_time()
    STARTED = wall0 = time.perf_counter()
    async with AsyncQuickBooks(
        config, MemoryTokenStore(tokens), on_event=lambda e: STATUSES.update([e.status])
    ) as qb:
        while True:
            report = await run_pass(
                ledger,
                firm_id,
                qb,
                spare_requests=False,
                after_reply=lambda jobs: ANSWERED.append(
                    (time.perf_counter(), len(jobs), time.process_time())
                ),
            )
            passes += 1
            synced += report.synced
            requests += report.requests
            for kind, tally in report.kinds.items():
                kinds[kind] += tally.synced
            if report.synced == 0 or report.note:
                break
    return {
        "synced": synced,
        "requests": requests,
        "passes": passes,
        "kinds": kinds,
        "cpu": time.process_time() - cpu0,
        "wall": time.perf_counter() - wall0,
    }


def connect(ledger: Ledger, firm_id: int, account_id: int, url: str, window: float) -> TokenSet:
    """A fresh sandbox company with a trust bank and a trust liability account, the firm's
    trust account mapped to them, the client funds export on; then QuickBooks' limits."""
    control, realm, tokens = bench_company(url, "Trust Backfill")

    async def accounts() -> tuple[str, str]:
        async with bench_client(url, tokens) as qb:
            bank = await qb.create(realm, Account(Name="IOLTA Bank", AccountType="Bank"))
            owed = await qb.create(
                realm,
                Account(Name="IOLTA Owed to Clients", AccountType="Other Current Liability"),
            )
        return str(bank.Id), str(owed.Id)

    bank, liability = asyncio.run(accounts())
    # The limits go on after the set-up calls, which also empties the sandbox's window.
    set_limits(control, realm, window)
    with ledger.uow(firm_id) as uow:
        conn = QuickBooksConnection(firm_id=firm_id, realm_id=realm, edition="plus")
        uow.session.add(conn)
        uow.session.flush()
        uow.session.add(SyncSettings(firm_id=firm_id, export_client_funds=True))
        uow.session.add(
            ClientFundsMapping(
                firm_id=firm_id,
                connection_id=conn.id,
                account_id=account_id,
                bank_account=bank,
                liability_account=liability,
            )
        )
        uow.commit()
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--transactions", type=int, default=50_000)
    parser.add_argument("--window", type=float, default=6.0)
    parser.add_argument(
        "--series", action="store_true", help="also print the operations answered per window"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    engine = open_database(f"sqlite:///{tmp / 'bench.db'}")
    ledger = ledger_on(engine)
    t = time.perf_counter()
    firm_id, account_id = seed(ledger, args.clients, args.transactions)
    seeded = time.perf_counter() - t
    port = free_port()
    sandbox = start_sandbox(port)
    url = f"http://127.0.0.1:{port}"
    try:
        tokens = connect(ledger, firm_id, account_id, url, args.window)
        sandbox_cpu0 = cpu_seconds(sandbox.pid)
        run = asyncio.run(backfill(ledger, firm_id, url, tokens, args.window))
        sandbox_cpu1 = cpu_seconds(sandbox.pid)
    finally:
        sandbox.terminate()
        sandbox.wait(10)
    if sandbox_cpu0 is None or sandbox_cpu1 is None:
        sandbox_cpu = "n/a"
    else:
        sandbox_cpu = f"{(sandbox_cpu1 - sandbox_cpu0) / max(run['synced'], 1) * 1000:.3f} ms"
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    synced, requests, wall = run["synced"], run["requests"], run["wall"]
    entries = run["kinds"][Kind.TRUST_ENTRY]
    windows = wall / args.window
    per_window = synced / max(windows, 1e-9)
    steady = steady_per_window(STARTED, args.window)
    tenth = max(len(ANSWERED) // 10, 2)
    rows = (
        ("data built (bulk, not timed)", f"{seeded:.1f} s", ""),
        (
            "records synced",
            f"{synced:,} ({run['kinds'][Kind.CONTACT]:,} customers, {entries:,} journal entries)",
            "",
        ),
        ("passes", f"{run['passes']}", ""),
        ("wall time", f"{wall:.1f} s ({windows:.1f} windows)", ""),
        ("API requests per trust transaction", f"{requests / max(entries, 1):.4f}", "≤ 0.04"),
        ("API requests per synced record", f"{requests / max(synced, 1):.4f}", ""),
        (
            "records per window, whole run",
            f"{per_window:.0f} ({per_window / CEILING:.1%} of {CEILING:,})",
            "",
        ),
        (
            "records per window, steady (2nd window on)",
            f"{steady:.0f} ({steady / CEILING:.1%} of {CEILING:,})",
            "≥ 95%",
        ),
        ("engine CPU per record", f"{run['cpu'] / max(synced, 1) * 1000:.3f} ms", ""),
        (
            "engine CPU per record, first / last tenth of the replies",
            f"{cpu_per_record(slice(0, tenth)):.3f} / {cpu_per_record(slice(-tenth, None)):.3f} ms",
            "",
        ),
        ("sandbox CPU per record (its own process)", sandbox_cpu, ""),
        ("peak memory (this process)", f"{peak_mb:.0f} MB", ""),
        (
            "HTTP statuses seen by the client",
            ", ".join(f"{k}: {v}" for k, v in sorted(STATUSES.items(), key=str)),
            "no 429",
        ),
    )
    table = Table(
        title=f"Client funds backfill: {args.clients:,} clients, {args.transactions:,} trust "
        f"transactions; window {args.window:g} s, batches only"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    for row in rows:
        table.add_row(*row)
    console = Console(width=120)
    console.print(table)
    if args.series:
        console.print("operations answered per window:", window_counts(STARTED, args.window))


if __name__ == "__main__":
    main()
