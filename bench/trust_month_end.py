"""Month end benchmark: a trust account's three-way reconciliation for a month of 10,000
transactions (target: under 1 s).

    .venv/bin/python -m bench.trust_month_end [--database-url URL] [--transactions 10000]
                                              [--history 20000] [--clients 500]

Without --database-url it uses a fresh SQLite file in a temporary directory. Setup is inserted
in bulk and not timed: a year of earlier history (all cleared), then the month's deposits,
disbursements by cheque and transfers between clients, and a bank statement whose lines match
nine in ten of the month's bank movements (the rest are outstanding). What is timed goes through
the service layer: the three sides computed (`trust_records_data.three_way`, what the record
renders), and a reconciliation prepared (the same computation, saved).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bench.ledger import _bulk, insert_clients, setup_firm
from lawsync.bootstrap import ledger_on, open_database
from lawsync.practice.commands import ClientFundsAccountCreate, ReconciliationPrepare
from lawsync.practice.models import (
    BankStatement,
    BankStatementLine,
    ClientFundsBalance,
    ClientFundsTransaction,
    DisbursementMethod,
    ReconciliationState,
    StatementSource,
    TrustReconciliation,
    TrustTxnKind,
)
from lawsync.practice.services import client_funds, trust_month_end, trust_records_data
from lawsync.practice.services.context import Actor, Ledger

MONTH = dt.date(2026, 3, 1)
MONTH_END = dt.date(2026, 3, 31)


def setup(
    engine: Engine, ledger: Ledger, actor: Actor, n_month: int, n_history: int, n_clients: int
) -> tuple[int, Decimal]:
    """The account, and the statement's closing balance."""
    rng = random.Random(7)
    account = client_funds.create_account(
        ledger, actor, ClientFundsAccountCreate(name="Month end bench")
    ).id
    clients = insert_clients(engine, actor.firm_id, n_clients, "Trust")
    base = {"firm_id": actor.firm_id, "account_id": account}
    rows: list[dict[str, Any]] = []
    # History: a deposit per client and then small deposits, all before the month.
    for i in range(n_history):
        rows.append(
            base
            | {
                "client_id": clients[i % n_clients],
                "kind": TrustTxnKind.deposit,
                "date": MONTH - dt.timedelta(days=1 + rng.randrange(365)),
                "amount": Decimal(rng.randint(50_000, 200_000)) / 100,
            }
        )
    cheque = 1000
    for _ in range(n_month):
        client = clients[rng.randrange(n_clients)]
        day = MONTH + dt.timedelta(days=rng.randrange(31))
        kind = rng.random()
        if kind < 0.5:
            rows.append(
                base
                | {
                    "client_id": client,
                    "kind": TrustTxnKind.deposit,
                    "date": day,
                    "amount": Decimal(rng.randint(1_000, 50_000)) / 100,
                }
            )
        else:
            cheque += 1
            rows.append(
                base
                | {
                    "client_id": client,
                    "kind": TrustTxnKind.disbursement,
                    "date": day,
                    "amount": -Decimal(rng.randint(100, 5_000)) / 100,
                    "payee_name": "Payee",
                    "method": DisbursementMethod.cheque,
                    "cheque_number": str(cheque),
                }
            )
    _bulk(engine, ClientFundsTransaction, rows)
    held: dict[int, Decimal] = {}
    for row in rows:
        held[row["client_id"]] = held.get(row["client_id"], Decimal(0)) + row["amount"]
    _bulk(
        engine,
        ClientFundsBalance,
        [
            base | {"client_id": client, "matter_key": 0, "balance": balance}
            for client, balance in held.items()
        ],
    )
    with engine.connect() as conn:
        t = ClientFundsTransaction.__table__
        txns = conn.execute(
            select(t.c.id, t.c.date, t.c.amount, t.c.cheque_number).where(t.c.account_id == account)
        ).all()
    lines, closing = [], Decimal("0.00")
    for ident, date, amount, number in txns:
        if date >= MONTH and rng.random() < 0.1:
            continue  # outstanding at the month's end
        lines.append(
            base
            | {
                "date": min(date + dt.timedelta(days=2), MONTH_END),
                "amount": amount,
                "description": "bench",
                "cheque_number": number,
                "bank_reference": "",
                "matched_txn_id": ident,
            }
        )
        closing += Decimal(amount)
    _bulk(
        engine,
        BankStatement,
        [
            base
            | {
                "statement_date": MONTH_END,
                "closing_balance": closing,
                "source": StatementSource.entered,
                "filename": "",
            }
        ],
    )
    with engine.connect() as conn:
        statement_id = conn.execute(
            select(BankStatement.__table__.c.id).where(
                BankStatement.__table__.c.account_id == account
            )
        ).scalar_one()
    _bulk(engine, BankStatementLine, [line | {"statement_id": statement_id} for line in lines])
    return account, closing


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.trust_month_end", description=__doc__)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--transactions", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=500)
    args = parser.parse_args(argv)
    console = Console()
    url = args.database_url or (
        f"sqlite:///{Path(tempfile.mkdtemp(prefix='lawsync-bench-')) / 'bench.db'}"
    )
    engine = open_database(url)
    ledger = ledger_on(engine)
    actor = setup_firm(ledger)
    console.print(f"[bold]lawsync month end benchmark[/] on {engine.dialect.name}")
    with console.status("inserting the books..."):
        account, _closing = setup(
            engine, ledger, actor, args.transactions, args.history, args.clients
        )

    computed: list[float] = []
    record = None
    for _ in range(5):
        t = time.perf_counter()
        record = trust_records_data.three_way(ledger, actor, account, MONTH)
        computed.append(time.perf_counter() - t)
    assert record is not None
    figures = record.figures
    assert figures.balanced, figures.adjusted_bank_balance
    prepared: list[float] = []
    for _ in range(3):
        t = time.perf_counter()
        trust_month_end.prepare(
            ledger, actor, ReconciliationPrepare(account_id=account, month="2026-03")
        )
        prepared.append(time.perf_counter() - t)
    with ledger.uow(actor) as uow:
        states = list(uow.session.execute(select(TrustReconciliation.state)).scalars())
    assert states.count(ReconciliationState.prepared) == 1  # each replaced the one before

    table = Table(title=f"Month end, {engine.dialect.name}")
    table.add_column("measure")
    table.add_column("best", justify="right")
    table.add_column("median", justify="right")
    for label, times in (
        (f"three-way ({args.transactions:,} txns in the month)", computed),
        ("prepare (compute and save)", prepared),
    ):
        table.add_row(label, f"{min(times):.3f} s", f"{statistics.median(times):.3f} s")
    console.print(table)
    console.print(
        f"outstanding items: {len(figures.outstanding):,}; client ledgers: "
        f"{len(figures.clients):,}; balances {figures.adjusted_bank_balance} = "
        f"{figures.journal_balance} = {figures.client_ledgers_total}"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
