"""Changes from QuickBooks end to end, as `lawsync serve` runs: the bundled sandbox posts its
webhooks to the server (registered as it starts), the worker pulls, the ledger shows the change;
and a storm of notices makes one pull at a time, losing none."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

from lawsync.config import Settings
from lawsync.practice.services.context import Ledger
from lawsync.quickbooks import Purchase, WebhookEvent, parse_webhook
from lawsync.storage import utcnow
from lawsync.sync import connection, webhooks
from lawsync.sync.imports import feed
from lawsync.sync.worker import ENV_FLAG, SyncWorker, run_pass_now
from lawsync.web.app import create_app
from tests import builders
from tests.conftest import SANDBOX_CONTROL, SANDBOX_CONTROL_SECRET, Firm, make_firm
from tests.sandbox.sandbox_support import free_port
from tests.sync.client_funds_support import trust_books
from tests.sync.inbound_support import cloud_events, inbound

POLL = 300.0  # the deployment's period: no poll happens during a test, unless asked


@pytest.fixture
def live_server(
    ledger: Ledger, database_url: str, monkeypatch: pytest.MonkeyPatch, request: Any
) -> Iterator[tuple[str, SyncWorker]]:
    monkeypatch.setenv(ENV_FLAG, "1")
    port = free_port()
    settings = Settings(
        database_url=database_url,
        port=port,
        sandbox_db=":memory:",
        sandbox_control_secret=SANDBOX_CONTROL_SECRET,
        cdc_poll_seconds=getattr(request, "param", POLL),
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
    yield f"http://127.0.0.1:{port}", worker
    server.should_exit = True
    thread.join(5)


def _until(what: str, check: Any, seconds: float = 20.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


def test_a_cheque_printed_in_the_sandbox_is_numbered_in_lawsync_through_its_webhook(
    ledger: Ledger, live_server: tuple[str, SyncWorker]
) -> None:
    url, worker = live_server
    firm = make_firm(ledger, url)
    with httpx.Client(base_url=f"{url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        books = trust_books(firm, control, url, cheque_printing=True)
        # The app lawsync registered as the server started sends its webhooks here.
        client = builders.client(firm)
        builders.deposit(firm, books.account_id, client["id"], "900.00")
        cheque = builders.disburse(firm, books.account_id, client["id"], "250.00", method="cheque")
        # The commit woke a pass, which sent the cheque to print.
        _until("the cheque in the sandbox", lambda: books.query(Purchase))
        worker.wait_idle(15)
        passes = worker.runs_started
        r = control.post(
            f"/_sandbox/companies/{books.realm}/print-cheques",
            json={"first_number": 9001, "account_id": books.bank},
        )
        assert r.status_code == 200, r.text
        # No pass is asked for, and the safety poll is minutes away: only the webhook brings it.
        number = _until(
            "the printed number in lawsync",
            lambda: firm.get(f"/client-funds-transactions/{cheque['id']}")["cheque_number"],
        )
        assert number == "9001"
    status = inbound(firm)
    assert status["webhooks_received"] >= 1 and status["last_pull_at"] is not None
    assert worker.runs_started > passes
    firm.api.close()


def test_a_storm_of_notices_makes_one_pull_at_a_time_and_loses_none(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    """1,000 notices for one company while its pull is running: no second pull beside it, and
    exactly one more after it, which sees what the notices announced."""
    books = trust_books(firm, control, server_url, cheque_printing=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "900.00")
    cheque = builders.disburse(firm, books.account_id, client["id"], "250.00", method="cheque")
    books.sync()
    settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)

    async def scenario() -> tuple[list[tuple[str, int]], int]:
        first_running, go_on = asyncio.Event(), asyncio.Event()
        runs: list[tuple[str, int]] = []
        running = most = 0

        async def run(firm_id: int, what: str) -> None:
            nonlocal running, most
            running += 1
            most = max(most, running)
            try:
                if what == "pull":
                    await feed.pull_firm(firm.ledger, firm_id, settings, app_url=server_url)
                else:  # a pass starts with a pull
                    await run_pass_now(firm.ledger, firm_id, settings, app_url=server_url)
                if not first_running.is_set():
                    first_running.set()
                    await go_on.wait()  # the storm blows while this run is in flight
                runs.append((what, inbound(firm)["pulls_waiting"]))
            finally:
                running -= 1

        async def pull(firm_id: int) -> None:
            await run(firm_id, "pull")

        async def a_pass(firm_id: int) -> None:
            await run(firm_id, "pass")

        worker = SyncWorker(
            firm.ledger, a_pass, run_pull=pull, debounce_seconds=0.01, safety_seconds=0
        )
        await worker.start()
        try:
            worker.wake_pull(firm.id)
            await first_running.wait()
            # QuickBooks numbers the cheque, then tells of changes 1,000 times.
            printed = await asyncio.to_thread(
                control.post,
                f"/_sandbox/companies/{books.realm}/print-cheques",
                json={"first_number": 9101, "account_id": books.bank},
            )
            assert printed.status_code == 200, printed.text
            for i in range(1000):
                taken = await asyncio.to_thread(
                    webhooks.take_in, firm.ledger, _events(books.realm, i)
                )
                assert taken.firms == [firm.id]
                for firm_id in taken.firms:
                    worker.wake_pull(firm_id)
            go_on.set()
            await worker.idle()
        finally:
            await worker.stop()
        return runs, most

    runs, most = asyncio.run(scenario())
    # The first pull read before the notices came: they still wanted a pull after it. Exactly
    # one more pull followed and found the printed number (whose commit then asked for the
    # pass that sends the ledger's changes); never two runs at once.
    assert runs[:2] == [("pull", 1), ("pull", 0)] and most == 1
    assert [what for what, _ in runs] == ["pull", "pull", "pass"], runs
    # (the sandbox also tells this server of the writes made here, by its own webhooks)
    assert inbound(firm)["webhooks_received"] >= 1000
    found = firm.get(f"/client-funds-transactions/{cheque['id']}")["cheque_number"]
    assert found == "9101"


def _events(realm: str, i: int) -> list[WebhookEvent]:
    return parse_webhook(json.dumps(cloud_events(realm, [str(i)])).encode())


@pytest.mark.parametrize("live_server", [0.3], indirect=True)
def test_without_webhooks_the_poll_brings_the_change_and_asks_once_a_period(
    ledger: Ledger, live_server: tuple[str, SyncWorker]
) -> None:
    """The poll is the safety net: with the sandbox's webhooks off for lawsync's app, a printed
    cheque still comes back, and a quiet company is asked at most once a period."""
    url, _ = live_server
    firm = make_firm(ledger, url)
    with httpx.Client(base_url=f"{url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        books = trust_books(firm, control, url, cheque_printing=True)
        # From now on the sandbox signs its notices with a token lawsync does not know (and
        # gives up at the first refusal): none is taken in.
        port = int(url.rsplit(":", 1)[1])
        settings = Settings(port=port, sandbox_control_secret=SANDBOX_CONTROL_SECRET)
        deaf = connection.sandbox_app(connection.qbo_config(settings), settings)
        deaf.update(verifier_token="not-lawsyncs", webhook_retry_seconds=[])
        assert control.post("/_sandbox/apps", json=deaf).status_code == 201
        client = builders.client(firm)
        builders.deposit(firm, books.account_id, client["id"], "900.00")
        cheque = builders.disburse(firm, books.account_id, client["id"], "250.00", method="cheque")
        _until("the cheque in the sandbox", lambda: books.query(Purchase))
        printed_at = utcnow()
        r = control.post(
            f"/_sandbox/companies/{books.realm}/print-cheques",
            json={"first_number": 9301, "account_id": books.bank},
        )
        assert r.status_code == 200, r.text
        number = _until(
            "the printed number in lawsync",
            lambda: firm.get(f"/client-funds-transactions/{cheque['id']}")["cheque_number"],
        )
        assert number == "9301"
    last_notice = inbound(firm)["last_webhook_at"]
    assert last_notice is None or dt.datetime.fromisoformat(last_notice) < printed_at
    # Quiet now: pulls are at least a period apart (each one request, see test_inbound_feed).
    pulls: list[str] = []
    _until(
        "five polls",
        lambda: _note_pull(firm, pulls) and len(pulls) >= 5,
        seconds=30,
    )
    stamps = [dt.datetime.fromisoformat(p) for p in pulls]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.3 * 0.9, gaps
    firm.api.close()


def _note_pull(firm: Firm, pulls: list[str]) -> bool:
    last = inbound(firm)["last_pull_at"]
    if last and (not pulls or pulls[-1] != last):
        pulls.append(last)
    return True


def test_serve_registers_the_webhook_address_with_its_sandbox_as_it_starts(
    ledger: Ledger, database_url: str
) -> None:
    """Before any firm connects (a restart, say), the bundled sandbox already knows where to
    send lawsync's notices and with which token to sign them."""
    port = free_port()
    settings = Settings(
        database_url=database_url,
        port=port,
        sandbox_db=":memory:",
        sandbox_control_secret=SANDBOX_CONTROL_SECRET,
    )
    app = create_app(settings, ledger=ledger, sync_worker=False)
    mount = next(r for r in app.routes if getattr(r, "path", "") == "/qbo")
    sandbox = mount.app  # type: ignore[attr-defined]
    assert connection.LOCAL_CLIENT_ID not in sandbox.state.sandbox.apps

    async def start() -> Any:
        async with app.router.lifespan_context(app):
            return sandbox.state.sandbox.apps[connection.LOCAL_CLIENT_ID]

    registered = asyncio.run(start())
    assert registered.webhook_url == f"http://127.0.0.1:{port}/api/v1/quickbooks/webhooks"
    assert registered.verifier_token == connection.webhook_token(settings)
    assert registered.webhook_format == "cloudevents"
