"""A failed request's log says where it failed and its request id, never the books' data.

The failures are forced for real: a route added for the test reads a client and fails with an
exception quoting the client's name and an amount, or runs a statement that the database refuses
with the name as a parameter. The web app serves them over HTTP like any route.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from lawsync.config import Settings
from lawsync.practice.models import Contact
from lawsync.practice.services.context import Ledger
from lawsync.storage import make_engine
from lawsync.sync.worker import SyncWorker
from lawsync.web.api.deps import ActorDep, LedgerDep
from lawsync.web.app import create_app
from tests.conftest import make_firm
from tests.sandbox.sandbox_support import Server

SECRET_NAME = f"Zanzibar{uuid.uuid4().hex[:6]}"
AMOUNT = "73519.42"


class Everything(logging.Handler):
    """Every record any logger emits, as it would be written (with any traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture(scope="module")
def failing_server(ledger: Ledger, database_url: str) -> Iterator[str]:
    app = create_app(Settings(database_url=database_url), ledger=ledger, mount_sandbox=False)

    def fail_quoting(ledger_: LedgerDep, actor: ActorDep, contact_id: int) -> Any:
        with ledger_.uow(actor) as uow:
            who = uow.session.get(Contact, contact_id)
            assert who is not None
            name = who.display_name
            raise RuntimeError(f"could not bill {name} for {AMOUNT}")

    def fail_in_database(ledger_: LedgerDep, actor: ActorDep, contact_id: int) -> Any:
        with ledger_.uow(actor) as uow:
            who = uow.session.get(Contact, contact_id)
            assert who is not None
            uow.session.execute(
                text("INSERT INTO no_such_table (name, amount) VALUES (:name, :amount)"),
                {"name": who.display_name, "amount": AMOUNT},
            )

    app.add_api_route("/api/v1/_test/fail/{contact_id}", fail_quoting)
    app.add_api_route("/api/v1/_test/fail-in-db/{contact_id}", fail_in_database)
    server = Server(app).start()
    yield server.url
    server.stop()


@pytest.fixture
def logs() -> Iterator[Everything]:
    handler = Everything()
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield handler
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


@pytest.mark.parametrize("route", ["fail", "fail-in-db"])
def test_a_failed_request_logs_its_id_and_place_but_no_client_name_or_amount(
    ledger: Ledger, failing_server: str, logs: Everything, route: str
) -> None:
    firm = make_firm(ledger, failing_server)
    client = firm.post("/contacts", {"kind": "company", "company_name": SECRET_NAME})
    r = firm.api.get(f"/_test/{route}/{client['id']}")
    firm.api.close()
    assert r.status_code == 500
    error = r.json()["error"]
    assert error["code"] == "internal_error"
    request_id = r.headers["x-request-id"]
    assert request_id in error["message"] and SECRET_NAME not in r.text
    server_side = [ln for ln in logs.lines if not ln.startswith(("httpx", "httpcore"))]
    failed = [line for line in server_side if request_id in line]
    assert len(failed) == 1 and failed[0].startswith("lawsync.web ERROR"), server_side
    assert f"GET /api/v1/_test/{route}/{client['id']} failed" in failed[0]
    assert "test_failure_logs.py" in failed[0]  # where it failed
    everything = "\n".join(server_side)
    assert SECRET_NAME not in everything and AMOUNT not in everything, everything


def test_database_errors_never_quote_their_parameters(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn, pytest.raises(Exception) as raised:
            conn.execute(
                text("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": SECRET_NAME}
            )
    finally:
        engine.dispose()
    assert SECRET_NAME not in str(raised.value)


def test_a_failed_sync_pass_logs_where_it_failed_not_what_it_was_about(
    ledger: Ledger, logs: Everything
) -> None:
    async def run_firm(firm_id: int) -> None:
        raise ValueError(f"invoice for {SECRET_NAME}: {AMOUNT}")

    async def main() -> None:
        worker = SyncWorker(ledger, run_firm, debounce_seconds=0.01, safety_seconds=0)
        await worker.start()
        try:
            worker.wake(4242)
            await worker.idle()
        finally:
            await worker.stop()

    asyncio.run(main())
    failed = [ln for ln in logs.lines if "firm 4242: the sync pass failed" in ln]
    assert len(failed) == 1 and "ValueError at test_failure_logs.py" in failed[0], logs.lines
    assert SECRET_NAME not in "\n".join(logs.lines) and AMOUNT not in "\n".join(logs.lines)
