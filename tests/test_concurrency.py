"""Racing requests, with the sync worker on as under `lawsync serve` and off as in the other tests.

The worker listens to every session's commits and rollbacks, so a conflict must still answer 409
(never 500) while it listens; and trust money and cheque numbers must hold under the race.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from lawsync.config import Settings
from lawsync.db import make_session_factory
from lawsync.practice.services.context import Ledger
from lawsync.web.app import create_app
from tests import builders
from tests.conftest import Firm, make_firm
from tests.sandbox.sandbox_support import Server

RACERS = 10


@pytest.fixture(scope="module")
def worker_server_url(engine: Engine, database_url: str) -> Iterator[str]:
    """The web app with its sync worker listening, served over loopback HTTP.

    It has a ledger of its own, so the worker's session events stay off the other tests' server.
    """
    ledger = Ledger(make_session_factory(engine))
    app = create_app(
        Settings(database_url=database_url), ledger=ledger, mount_sandbox=False, sync_worker=True
    )
    server = Server(app).start()
    assert app.state.sync_worker is not None
    yield server.url
    server.stop()


@pytest.fixture(params=["worker_on", "worker_off"])
def racing_firm(request: pytest.FixtureRequest, ledger: Ledger, server_url: str) -> Iterator[Firm]:
    on = request.param == "worker_on"
    url = request.getfixturevalue("worker_server_url") if on else server_url
    f = make_firm(ledger, url)
    yield f
    f.api.close()


def race(n: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Run `attempt` n times at once: every thread waits at a barrier, then goes."""
    start = Barrier(n)

    def go(i: int) -> Any:
        start.wait(timeout=30)
        return attempt(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(go, range(n)))


def test_parallel_edits_of_one_contact_answer_200_or_409_never_500(racing_firm: Firm) -> None:
    c = builders.client(racing_firm)

    def edit(i: int) -> tuple[int, str]:
        r = racing_firm.api.patch(f"/contacts/{c['id']}", json={"first_name": f"Racer{i}"})
        code = r.json()["error"]["code"] if r.status_code != 200 else ""
        return r.status_code, code

    answers = race(RACERS, edit)
    statuses = [s for s, _ in answers]
    assert set(statuses) <= {200, 409}, answers
    assert statuses.count(200) >= 1
    assert all(code == "conflict" for s, code in answers if s == 409), answers
    final = racing_firm.get(f"/contacts/{c['id']}")
    assert final["revision"] == 1 + statuses.count(200)


def test_concurrent_disbursements_never_overdraw(racing_firm: Firm) -> None:
    c = builders.client(racing_firm)
    acct = builders.trust_account(racing_firm)
    builders.deposit(racing_firm, acct["id"], c["id"], "100.00")

    def take(_: int) -> int:
        return racing_firm.api.post(
            "/client-funds-transactions",
            json={
                "kind": "disbursement",
                "account_id": acct["id"],
                "client_id": c["id"],
                "amount": "30.00",
                "date": "2026-03-02",
                "payee_name": "Race",
            },
        ).status_code

    codes = race(RACERS, take)
    assert codes.count(201) == 3 and set(codes) <= {201, 409}, codes
    assert racing_firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "10.00"
