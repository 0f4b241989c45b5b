"""Server time of the web app's pages on a large firm: 10,000 bills and 1,000 open failures.

The firm (1,000 clients, 10,000 approved bills with lines and payments) is inserted in bulk and
not timed; a connection row stands for a connected company. Each page is asked for through the
ASGI app in this process (no network), signed in as the administrator, `--repeat` times after
one warm-up; the table gives p50 and p95 per page. Reproduce with:

    .venv/bin/python -m bench.web_pages            # --bills 10000 --failures 1000 --repeat 30
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, select

from bench.sync_backfill import seed
from lawsync.bootstrap import ledger_on, open_database
from lawsync.config import Settings
from lawsync.practice.models import User
from lawsync.practice.services import sign_in
from lawsync.practice.services.context import Actor
from lawsync.storage import utcnow
from lawsync.sync.models import QuickBooksConnection, SyncFailure, SyncSettings
from lawsync.web.app import create_app

PAGES = (
    "/",
    "/settings/quickbooks/failures",
    "/settings/quickbooks/failures?code=6240",
    "/settings/quickbooks",
    "/settings/firm",
    "/bills",
    "/contacts",
    "/contacts?q=N00999",
    "/payments",
    "/matters",
    "/matters/new",
    "/matters/new?client_id=1000",
    "/bills/new",
    "/payments/new",
    "/time/new",
    "/pick/clients?for=f&client_q=N00999",
    "/pick/matters?for=f&matter_q=0099",
)
TARGET_MS = 100.0
PASSWORD = "bench password 1"


def prepare(url: str, bills: int, failures: int) -> tuple[Settings, str]:
    engine = open_database(url)
    ledger = ledger_on(engine)
    firm_id = seed(ledger, engine, max(bills // 10, 1), bills)
    with ledger.uow(firm_id) as uow:
        s = uow.session
        admin = s.execute(select(User)).scalars().first()
        assert admin is not None
        connection = QuickBooksConnection(
            firm_id=firm_id,
            realm_id="9130000000000001",
            company_name="Bench Books",
            edition="plus",
            country="US",
            home_currency="USD",
            multicurrency=False,
        )
        s.add(connection)
        s.flush()
        s.add(SyncSettings(firm_id=firm_id, export_bills=True))
        now = utcnow()
        rows = [
            {
                "firm_id": firm_id,
                "connection_id": connection.id,
                "kind": "bill",
                "local_id": i + 1,
                "revision": 1,
                "code": "6240" if i % 2 else "6000",
                "element": "",
                "message": "Refused",
                "detail": "",
                "intuit_tid": "",
                "attempts": 1,
                "first_seen_at": now,
                "last_seen_at": now,
                "context": {},
            }
            for i in range(failures)
        ]
        if rows:
            s.execute(insert(SyncFailure), rows)
        uow.commit()
        email = admin.email
        sign_in.set_password(ledger, Actor(firm_id, None), admin.id, PASSWORD)
    engine.dispose()
    return Settings(database_url=url), email


def measure(settings: Settings, email: str, repeat: int) -> list[tuple[str, int, float, float]]:
    out = []
    app = create_app(settings, mount_sandbox=False, sync_worker=False)
    with TestClient(app, headers={"Accept": "text/html"}) as client:
        r = client.post(
            "/login", data={"email": email, "password": PASSWORD}, follow_redirects=False
        )
        assert r.status_code == 303, r.text[:300]
        for path in PAGES:
            status = client.get(path).status_code  # warm-up
            if status == 404:
                continue  # a page not built yet
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            out.append((path, status, statistics.median(times), p95))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bills", type=int, default=10_000)
    parser.add_argument("--failures", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lawsync-web-bench-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    settings, email = prepare(url, args.bills, args.failures)
    table = Table(title=f"Web pages: {args.bills} bills, {args.failures} open failures")
    for col in ("page", "status", "p50 ms", "p95 ms", f"target p95 < {TARGET_MS:.0f} ms"):
        table.add_column(col)
    for path, status, p50, p95 in measure(settings, email, args.repeat):
        table.add_row(
            path, str(status), f"{p50:.1f}", f"{p95:.1f}", "yes" if p95 < TARGET_MS else "NO"
        )
    Console().print(table)


if __name__ == "__main__":
    main()
