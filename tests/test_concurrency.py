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
from lawsync.practice.services.context import Ledger
from lawsync.storage import make_session_factory
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


def _cheque(firm: Firm, account_id: int, client_id: int, number: str | None) -> Any:
    return firm.api.post(
        "/client-funds-transactions",
        json={
            "kind": "disbursement",
            "account_id": account_id,
            "client_id": client_id,
            "amount": "1.00",
            "date": "2026-03-02",
            "payee_name": "Race",
            "cheque_number": number,
        },
    )


def test_concurrent_cheques_with_one_number_one_succeeds(racing_firm: Firm) -> None:
    c = builders.client(racing_firm)
    acct = builders.trust_account(racing_firm)
    builders.deposit(racing_firm, acct["id"], c["id"], "100.00")

    answers = race(RACERS, lambda _: _cheque(racing_firm, acct["id"], c["id"], "4242"))
    statuses = [r.status_code for r in answers]
    assert statuses.count(201) == 1, [(r.status_code, r.text) for r in answers]
    refused = [r.json()["error"] for r in answers if r.status_code != 201]
    assert all(e["code"] == "duplicate_cheque_number" for e in refused), refused
    assert all(e["field"] == "cheque_number" for e in refused)
    assert racing_firm.get(f"/client-funds-accounts/{acct['id']}")["balance"] == "99.00"


def test_one_number_set_on_many_cheques_at_once_lands_on_one(racing_firm: Firm) -> None:
    c = builders.client(racing_firm)
    acct = builders.trust_account(racing_firm)
    builders.deposit(racing_firm, acct["id"], c["id"], "100.00")
    cheques = [_cheque(racing_firm, acct["id"], c["id"], None).json() for _ in range(RACERS)]

    def number(i: int) -> Any:
        return racing_firm.api.post(
            f"/client-funds-transactions/{cheques[i]['id']}/cheque-number",
            json={"cheque_number": "5151"},
        )

    answers = race(RACERS, number)
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == 1, [(r.status_code, r.text) for r in answers]
    refused = [r.json()["error"]["code"] for r in answers if r.status_code != 200]
    assert set(refused) <= {"duplicate_cheque_number", "conflict"}, refused
    numbered = [
        t
        for t in racing_firm.get("/client-funds-transactions", account_id=acct["id"])["data"]
        if t["cheque_number"] == "5151"
    ]
    assert len(numbered) == 1
