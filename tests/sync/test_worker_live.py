"""End to end with the worker on, as `lawsync serve` runs: an approved bill reaches QBO in 2 s.

Everything is real: the web app with its mounted sandbox and its worker, served over loopback
HTTP; the firm connects by the OAuth flow; the bill is approved through the API.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from lawsync.config import Settings
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import Invoice
from lawsync.sync.connection import open_client
from lawsync.sync.worker import ENV_FLAG, SyncWorker
from lawsync.web.app import create_app
from tests import builders
from tests.conftest import SANDBOX_CONTROL, SANDBOX_CONTROL_SECRET, Firm, make_firm
from tests.sandbox.sandbox_support import free_port
from tests.sync.connect_support import connect, new_realm


@pytest.fixture
def live_server(
    ledger: Ledger, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Settings, SyncWorker]]:
    monkeypatch.setenv(ENV_FLAG, "1")
    port = free_port()
    settings = Settings(
        database_url=database_url,
        port=port,
        sandbox_db=":memory:",
        sandbox_control_secret=SANDBOX_CONTROL_SECRET,
    )
    app = create_app(settings, ledger=ledger)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    worker = app.state.sync_worker
    assert isinstance(worker, SyncWorker)
    yield f"http://127.0.0.1:{port}", settings, worker
    server.should_exit = True
    thread.join(5)


def _invoices(firm: Firm, settings: Settings, url: str, realm: str, wait: float) -> list[Invoice]:
    async def poll() -> list[Invoice]:
        async with open_client(firm.ledger, firm.id, settings, url) as qb:
            deadline = time.monotonic() + wait
            while True:
                found = await qb.query(realm, Invoice)
                if found or time.monotonic() > deadline:
                    return found
                await asyncio.sleep(0.05)

    return asyncio.run(poll())


def test_a_bill_approved_while_the_server_runs_reaches_the_sandbox_without_a_timer(
    ledger: Ledger, live_server: tuple[str, Settings, SyncWorker]
) -> None:
    url, settings, worker = live_server
    firm = make_firm(ledger, url)
    with httpx.Client(base_url=f"{url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        realm = connect(firm, control, new_realm(control))["realm_id"]
    mappings = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": mappings})
    client = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, client["id"])["id"])
    worker.wait_idle(15)  # the passes for what came before are over
    asked = worker.requests_taken
    draft = builders.bill(firm, client["id"], approve=False)
    # A draft is never sent, so saving it asks the worker for no pass; a pass run by hand
    # (Sync now) after it was saved does not export it either.
    assert worker.requests_taken == asked
    report = firm.post("/quickbooks/sync", None, 200)
    assert report["kinds"]["bill"]["synced"] == 0
    assert _invoices(firm, settings, url, realm, 0) == []

    approved = firm.post(f"/bills/{draft['id']}/approve", None, 200)
    # The approval itself wakes a pass: the safety pass is minutes away. How fast it arrives is
    # measured in bench/sync_wakeup.py, not here.
    [invoice] = _invoices(firm, settings, url, realm, 15.0)
    assert invoice.DocNumber == approved["number"]
    firm.api.close()
