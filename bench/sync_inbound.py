"""Changes from QuickBooks: how fast a change made in the company shows in lawsync through its
webhook, how few requests a quiet company costs, how fast a long backlog is caught up.

    .venv/bin/python -m bench.sync_inbound [--cheques 40] [--idle-periods 20] [--backlog 10000]

The web app runs in this process as `lawsync serve` runs it (uvicorn on a loopback port, SQLite,
the bundled sandbox under /qbo registered with the app's webhook address as the server starts,
the worker on); a firm connects by the OAuth flow over HTTP and sends its trust cheques to print.

1. Webhook latency. A cheque is recorded (POST /client-funds-transactions) and sent by the
   worker's pass; then the sandbox prints it (its control API, as a person printing cheques in
   QuickBooks) and the clock starts. The sandbox posts its webhook (it gathers notices for
   half a second, as QuickBooks batches them), the server marks a pull wanted and wakes the
   worker, whose pull reads the change and numbers the disbursement; the bench polls
   GET /client-funds-transactions/{id} every 10 ms until the number shows. Target p95 < 2 s.
2. Requests while nothing changes. The poll period is set to `--period` seconds (standing for
   the 300 s of a deployment) and every request the mounted sandbox receives for the company is
   counted for `--idle-periods` periods. Target: at most one per period.
3. Catch-up. `--backlog` changes (Purchases made and edited by another app, in batches; the
   sandbox clock moves a second every 500 so that change data capture can page through them by
   time) plus a few cheques of lawsync's printed among them, then one pull from a cursor set
   before them all. Target < 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn
from rich.console import Console
from rich.table import Table
from sqlalchemy import update
from starlette.routing import Mount

from bench.sync_backfill import free_port
from lawsync.config import Settings
from lawsync.practice.commands import FirmCreate
from lawsync.practice.services.firms import create_firm
from lawsync.quickbooks import Account, BatchOperation, Purchase
from lawsync.storage import utcnow
from lawsync.sync.connection import open_client
from lawsync.sync.imports import feed
from lawsync.sync.models import InboundCursor
from lawsync.web.app import create_app

CONTROL_HEADER = "X-Sandbox-Control-Secret"
Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Any, Any], Awaitable[None]]


class Counted:
    """The mounted sandbox, counting the /v3 requests each company receives."""

    def __init__(self, app: ASGI) -> None:
        self.app = app
        self.by_realm: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        path = str(scope.get("path", ""))
        if scope.get("type") == "http" and "/v3/company/" in path:
            realm = path.split("/v3/company/", 1)[1].split("/", 1)[0]
            self.by_realm[realm] = self.by_realm.get(realm, 0) + 1
        await self.app(scope, receive, send)


class Served:
    """The app on a loopback port with its worker, a firm connected, its cheques printing."""

    def __init__(self, period: float, worker: bool = True) -> None:
        tmp = Path(tempfile.mkdtemp())
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_urlsafe(32)
        self.settings = Settings(
            database_url=f"sqlite:///{tmp / 'inbound.db'}",
            port=self.port,
            sandbox_db=":memory:",
            sandbox_control_secret=self.secret,
            cdc_poll_seconds=period,
        )
        self.app = create_app(self.settings, sync_worker=worker)
        mount = next(r for r in self.app.routes if isinstance(r, Mount) and r.path == "/qbo")
        self.counted = Counted(mount.app)
        mount.app = self.counted
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        self.ledger = self.app.state.ledger
        made = create_firm(self.ledger, FirmCreate(name="Inbound LLP", admin_email="i@example.com"))
        self.firm_id = made.firm.id
        self.api = httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers={"Authorization": f"Bearer {made.token}"},
            timeout=30,
        )
        self.control = httpx.Client(
            base_url=f"{self.url}/qbo", headers={CONTROL_HEADER: self.secret}, timeout=30
        )
        self.realm = self._connect()
        self.control.patch(
            f"/_sandbox/companies/{self.realm}", json={"limits": {"per_window": 1_000_000}}
        ).raise_for_status()
        self.bank, self.trust = self._trust_books()

    def _connect(self) -> str:
        made = self.control.post(
            "/_sandbox/companies", json={"name": "Inbound LLP", "edition": "plus", "country": "US"}
        )
        made.raise_for_status()
        realm = str(made.json()["realm_id"])
        authorize = self.api.post("/quickbooks/connect").json()["authorize_url"]
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
        consent = self.control.post(
            "/connect/oauth2", data={**query, "realm_id": realm, "action": "connect"}
        )
        httpx.get(consent.headers["location"], timeout=30).raise_for_status()
        return realm

    def qb(self, fn: Callable[[Any], Awaitable[Any]]) -> Any:
        async def go() -> Any:
            async with open_client(self.ledger, self.firm_id, self.settings, self.url) as qb:
                return await fn(qb)

        return asyncio.run(go())

    def _trust_books(self) -> tuple[str, int]:
        async def accounts(qb: Any) -> tuple[str, str]:
            bank = await qb.create(self.realm, Account(Name="IOLTA Bank", AccountType="Bank"))
            owed = await qb.create(
                self.realm,
                Account(Name="IOLTA Owed to Clients", AccountType="Other Current Liability"),
            )
            return str(bank.Id), str(owed.Id)

        bank, liability = self.qb(accounts)
        trust = self.post("/client-funds-accounts", {"name": "Trust", "bank_name": "First Bank"})
        mapping = {"account_id": trust["id"], "bank_account": bank, "liability_account": liability}
        self.api.put(
            "/quickbooks/settings",
            json={
                "export_client_funds": True,
                "cheque_printing": True,
                "client_funds_accounts": [mapping],
            },
        ).raise_for_status()
        return bank, int(trust["id"])

    def post(self, path: str, body: Any) -> Any:
        r = self.api.post(path, json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    def cheque(self, client_id: int) -> int:
        return int(
            self.post(
                "/client-funds-transactions",
                {
                    "kind": "disbursement",
                    "account_id": self.trust,
                    "client_id": client_id,
                    "amount": "10.00",
                    "date": "2026-11-02",
                    "payee_name": "Land Registry",
                    "method": "cheque",
                },
            )["id"]
        )

    def deposit(self, client_id: int, amount: str) -> None:
        self.post(
            "/client-funds-transactions",
            {
                "kind": "deposit",
                "account_id": self.trust,
                "client_id": client_id,
                "amount": amount,
                "date": "2026-11-01",
                "source": "Retainer",
            },
        )

    def number(self, txn_id: int) -> str | None:
        found = self.api.get(f"/client-funds-transactions/{txn_id}").json()["cheque_number"]
        return None if found is None else str(found)

    def print_cheques(self, first: int) -> int:
        r = self.control.post(
            f"/_sandbox/companies/{self.realm}/print-cheques",
            json={"first_number": first, "account_id": self.bank},
        )
        r.raise_for_status()
        return len(r.json()["printed"])

    def waiting_cheques(self) -> int:
        return len(
            self.qb(lambda qb: qb.query(self.realm, Purchase, "PrintStatus = 'NeedToPrint'"))
        )

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _until(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting {seconds} s for {what}")
        time.sleep(0.01)


def latency(s: Served, cheques: int) -> list[float]:
    client = s.post("/contacts", {"kind": "person", "first_name": "Inbound", "last_name": "One"})
    s.deposit(client["id"], "100000.00")
    out = []
    for i in range(cheques):
        txn = s.cheque(client["id"])
        _until(lambda: s.waiting_cheques() == 1, 30, "the cheque sent to print")
        started = time.perf_counter()
        assert s.print_cheques(5000 + i) == 1
        number = _until(partial(s.number, txn), 30, "the printed number in lawsync")
        out.append(time.perf_counter() - started)
        assert number == str(5000 + i), number
    return out


def idle(s: Served, periods: int) -> list[int]:
    """Requests the company received in each poll period while nothing changed."""
    time.sleep(s.settings.cdc_poll_seconds * 1.5)  # whatever the latency part left settles
    counts = []
    for _ in range(periods):
        before = s.counted.by_realm.get(s.realm, 0)
        time.sleep(s.settings.cdc_poll_seconds)
        counts.append(s.counted.by_realm.get(s.realm, 0) - before)
    return counts


def catch_up(s: Served, backlog: int, ours: int) -> tuple[float, int, int]:
    """Seconds one pull takes over `backlog` changes by another app and `ours` printed cheques;
    the changes it handed on and the cheques it numbered."""
    client = s.post("/contacts", {"kind": "person", "first_name": "Inbound", "last_name": "Two"})
    s.deposit(client["id"], "100000.00")
    asyncio.run(feed.pull_firm(s.ledger, s.firm_id, s.settings, app_url=s.url))  # a cursor
    ids = [s.cheque(client["id"]) for _ in range(ours)]
    s.api.post("/quickbooks/sync").raise_for_status()
    with s.ledger.uow(s.firm_id) as uow:  # the cursor stands before everything below
        uow.session.execute(update(InboundCursor).values(cursor_at=utcnow()))
        uow.commit()
    made = 0

    async def others(qb: Any) -> None:
        nonlocal made
        while made < backlog:
            ops = [
                BatchOperation.create(
                    Purchase.model_validate(
                        {
                            "PaymentType": "Cash",
                            "AccountRef": {"value": s.bank},
                            "Line": [
                                {
                                    "Amount": "1.00",
                                    "DetailType": "AccountBasedExpenseLineDetail",
                                    "AccountBasedExpenseLineDetail": {
                                        "AccountRef": {"value": s.bank}
                                    },
                                }
                            ],
                        }
                    )
                )
                for _ in range(min(30, backlog - made))
            ]
            for result in await qb.batch(s.realm, ops):
                assert result.error is None, result.error
            made += len(ops)
            if made % 480 == 0:  # at most 480 changes in one second of the sandbox's clock
                s.control.post("/_sandbox/clock", json={"advance_seconds": 1})

    s.qb(others)
    s.control.post("/_sandbox/clock", json={"advance_seconds": 1})
    s.print_cheques(7000)
    started = time.perf_counter()
    report = asyncio.run(feed.pull_firm(s.ledger, s.firm_id, s.settings, app_url=s.url))
    seconds = time.perf_counter() - started
    numbered = sum(1 for t in ids if s.number(t))
    return seconds, report.changes, numbered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cheques", type=int, default=40)
    parser.add_argument("--period", type=float, default=1.0, help="the poll period, scaled")
    parser.add_argument("--idle-periods", type=int, default=20)
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--ours", type=int, default=20)
    args = parser.parse_args()
    os.environ["LAWSYNC_SYNC_WORKER"] = "1"
    console = Console()
    table = Table(title="Changes from QuickBooks")
    for column in ("measure", "result", "target"):
        table.add_column(column)

    s = Served(args.period)
    try:
        waits = sorted(latency(s, args.cheques))
        p95 = waits[max(0, int(len(waits) * 0.95) - 1)]
        table.add_row(
            f"printed cheque → number in lawsync ({len(waits)} cheques, webhook)",
            f"p50 {statistics.median(waits):.3f} s · p95 {p95:.3f} s · max {waits[-1]:.3f} s",
            "p95 < 2 s",
        )
        counts = idle(s, args.idle_periods)
        table.add_row(
            f"requests per company per poll period while idle ({args.period:g} s ≙ 300 s, "
            f"{len(counts)} periods)",
            f"max {max(counts)} · total {sum(counts)}",
            "≤ 1",
        )
    finally:
        s.close()

    b = Served(300.0, worker=False)  # no worker: the webhooks only mark a pull wanted
    try:
        seconds, changes, numbered = catch_up(b, args.backlog, args.ours)
        table.add_row(
            f"catch-up pull over {args.backlog:,} changes + {args.ours} printed cheques",
            f"{seconds:.2f} s · {changes:,} changes handed on · {numbered}/{args.ours} numbered",
            "< 60 s",
        )
    finally:
        b.close()
    console.print(table)
    console.print(f"(measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)")


if __name__ == "__main__":
    main()
