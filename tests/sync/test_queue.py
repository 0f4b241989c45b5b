"""The queued sync mode on PostgreSQL: commits defer passes, `lawsync worker` processes run them.

Everything is real: the ledger's commits write procrastinate jobs in their own transactions,
worker processes (`lawsync worker`) run the passes against the test sandbox over HTTP, and they
are stopped with SIGTERM or killed with SIGKILL. The judge of "exactly once" is the sandbox
company: each client has one customer there, whatever died on the way.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from lawsync.practice.commands import (
    BillCreate,
    ContactCreate,
    MatterCreate,
    TimeEntryCreate,
)
from lawsync.practice.services import bills, contacts, entries
from lawsync.practice.services.context import Ledger
from lawsync.sync.pass_state import PassState, pass_state
from lawsync.sync.status import status_counts
from tests import builders
from tests.conftest import Firm, make_firm
from tests.quickbooks.conftest import Sandbox
from tests.sync.queue_support import (
    ROOT,
    Worker,
    connect_firm,
    deferring,
    env_for,
    needs_postgresql,
    pass_jobs,
    slow,
    start_worker,
    wait_for,
    workers,
)

SEED = 20261206


@pytest.fixture
def queued(database_url: str, ledger: Ledger, engine: Engine) -> Engine:
    needs_postgresql(database_url)
    with deferring(ledger, engine):
        yield engine


def _held(sandbox: Sandbox, realm: str, entity: str, key: str) -> Counter[str]:
    """How many of the company's ``entity`` rows carry each value of ``key``."""
    token = sandbox.control.post(
        f"/_sandbox/companies/{realm}/tokens", json={"client_id": "lawsync-local"}
    )
    token.raise_for_status()
    headers = {
        "Authorization": f"Bearer {token.json()['access_token']}",
        "Accept": "application/json",
    }
    found: Counter[str] = Counter()
    start = 1
    while True:
        query = f"SELECT * FROM {entity} STARTPOSITION {start} MAXRESULTS 1000"
        got = (
            sandbox.control.get(
                f"/v3/company/{realm}/query", params={"query": query}, headers=headers
            )
            .json()["QueryResponse"]
            .get(entity, [])
        )
        found.update(str(c[key]) for c in got)
        if len(got) < 1000:
            return found
        start += 1000


def _invoices(sandbox: Sandbox, realm: str) -> Counter[str]:
    return _held(sandbox, realm, "Invoice", "DocNumber")


def _pending(firm: Firm) -> int:
    return sum(c["pending"] for c in status_counts(firm.ledger, firm.id).values())


def _busy(engine: Engine, firm_id: int) -> bool:
    """A pass for the firm waits or runs (closed jobs of dead workers do not count)."""
    return any(j["status"] in ("todo", "doing") for j in pass_jobs(engine, firm_id))


def _export_bills(firm: Firm) -> None:
    mappings = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": mappings})


def _bills(firm: Firm, count: int, prefix: str) -> list[str]:
    """``count`` clients, each with a matter, a time entry and an approved bill, recorded
    through the service layer (each step its own commit, as the web app makes them); the bills'
    numbers."""
    numbers = []
    for i in range(count):
        client = contacts.create_contact(
            firm.ledger,
            firm.actor,
            ContactCreate(kind="person", first_name=prefix, last_name=f"{i:04d}"),
        )
        matter = contacts.create_matter(firm.ledger, firm.actor, MatterCreate(client_id=client.id))
        entries.create_time_entry(
            firm.ledger,
            firm.actor,
            TimeEntryCreate(matter_id=matter.id, date=builders.DAY, hours="1.5", rate="200"),
        )
        bill = bills.create_bill(
            firm.ledger, firm.actor, BillCreate(client_id=client.id, issue_date=builders.DAY)
        )
        numbers.append(bills.approve_bill(firm.ledger, firm.actor, bill.id).number)
    return numbers


# ---- deferring --------------------------------------------------------------------------------


def test_a_commit_defers_one_pass_and_a_burst_collapses_into_it(
    queued: Engine, firm: Firm, database_url: str, client_sandbox: Sandbox
) -> None:
    assert pass_jobs(queued, firm.id) == []
    builders.client(firm)  # not connected yet: an idle firm costs no job
    assert pass_jobs(queued, firm.id) == []

    realm = connect_firm(firm.id, database_url, client_sandbox)
    for _ in range(5):  # a burst of changes, through the API (the web app's commits)
        builders.client(firm)
    [job] = pass_jobs(queued, firm.id)
    assert job["status"] == "todo" and job["task_name"] == "lawsync.sync_firm"
    assert job["lock"] == f"company:{realm}" and job["args"] == {"firm_id": firm.id, "attempt": 0}
    assert pass_state(firm.ledger, firm.id, "queue") == PassState("queue", queued=1, running=0)
    assert firm.get("/quickbooks/status")["passes"] == {
        "mode": "embedded",
        "queued": 0,
        "running": 0,
    }

    # A change rolled back defers nothing; a commit of nothing syncable neither.
    with queued.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_jobs"))
    with firm.ledger.uow(firm.actor) as uow:
        contacts_before = uow.session.info.get("firm_id")
        assert contacts_before == firm.id
    with pytest.raises(RuntimeError), firm.ledger.uow(firm.actor) as uow:
        from lawsync.practice.models import Contact

        uow.session.add(
            Contact(
                firm_id=firm.id,
                kind="person",
                first_name="Rolled",
                last_name="Back",
                display_name="Rolled Back",
            )
        )
        uow.session.flush()
        raise RuntimeError("the request failed after the flush")
    assert pass_jobs(queued, firm.id) == []
    builders.client(firm)
    assert len(pass_jobs(queued, firm.id)) == 1


def test_the_job_is_committed_with_the_change_even_if_the_process_dies_right_after(
    queued: Engine, firm: Firm, database_url: str, client_sandbox: Sandbox
) -> None:
    """A process makes a change and is killed (SIGKILL, by itself) the moment its commit
    returns, before anything else can run: the job is there all the same. Killed just before
    the commit instead, neither the change nor a job exists."""
    connect_firm(firm.id, database_url, client_sandbox)
    script = textwrap.dedent(
        """
        import os, signal, sys
        from sqlalchemy import event
        from lawsync.bootstrap import ledger_on, open_database
        from lawsync.practice.commands import ContactCreate
        from lawsync.practice.services import contacts
        from lawsync.practice.services.context import Actor
        from lawsync.sync import enqueue

        url, firm, admin, when, name = sys.argv[1:]
        ledger = ledger_on(open_database(url))
        enqueue.install(ledger)

        def die(*_args):
            os.kill(os.getpid(), signal.SIGKILL)

        event.listen(ledger.factory, "after_commit" if when == "after" else "before_commit", die)
        contacts.create_contact(
            ledger, Actor(int(firm), int(admin)),
            ContactCreate(kind="person", first_name="Killed", last_name=name),
        )
        """
    )
    for when in ("after", "before"):
        with queued.begin() as conn:
            conn.execute(text("DELETE FROM procrastinate_jobs"))
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                script,
                database_url,
                str(firm.id),
                str(firm.admin_id),
                when,
                when,
            ],
            cwd=ROOT,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == -9, done.stderr.decode()[-2000:]
        with queued.connect() as conn:
            made = conn.execute(
                text("SELECT count(*) FROM contacts WHERE firm_id = :f AND last_name = :n"),
                {"f": firm.id, "n": when},
            ).scalar_one()
        if when == "after":
            assert made == 1
            assert [j["status"] for j in pass_jobs(queued, firm.id)] == ["todo"]
        else:
            assert made == 0
            assert pass_jobs(queued, firm.id) == []


def test_queue_mode_is_refused_on_sqlite_with_a_clear_error() -> None:
    from lawsync.config import Settings

    with pytest.raises(ValueError, match="needs PostgreSQL"):
        Settings.from_env({"LAWSYNC_SYNC_MODE": "queue", "LAWSYNC_DATABASE_URL": "sqlite:///x.db"})
    with pytest.raises(ValueError, match="embedded or queue"):
        Settings.from_env({"LAWSYNC_SYNC_MODE": "cluster"})
    assert Settings.from_env({}).sync_mode == "embedded"
    done = subprocess.run(
        [sys.executable, "-m", "lawsync.cli", "worker"],
        env={"LAWSYNC_DATABASE_URL": "sqlite:///./never.db", "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "needs PostgreSQL" in done.stdout + done.stderr


# ---- workers --------------------------------------------------------------------------------


def test_two_workers_run_one_pass_per_company_at_a_time(
    queued: Engine, ledger: Ledger, server_url: str, database_url: str, client_sandbox: Sandbox
) -> None:
    firms = [make_firm(ledger, server_url, f"Queue Firm {i}") for i in range(3)]
    realms = {f.id: connect_firm(f.id, database_url, client_sandbox) for f in firms}
    for f in firms:
        _export_bills(f)
        slow(client_sandbox, realms[f.id], 150)
    doing: list[int] = []
    stop = threading.Event()

    def watch() -> None:  # the most jobs of one company seen running at once
        while not stop.is_set():
            with queued.connect() as conn:
                doing.append(
                    conn.execute(
                        text(
                            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n"
                            " FROM procrastinate_jobs WHERE status = 'doing'"
                            " AND lock IS NOT NULL GROUP BY lock) AS running"
                        )
                    ).scalar_one()
                )
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    numbers: dict[int, list[str]] = {f.id: [] for f in firms}
    with workers(env_for(database_url, client_sandbox), "a", "b") as (a, b):
        for round_ in range(3):  # changes keep arriving while passes run
            for f in firms:
                numbers[f.id] += _bills(f, 12, f"R{round_}F{f.id}")
        for f in firms:
            wait_for(lambda f=f: _pending(f) == 0 and not _busy(queued, f.id), 180, "the passes")
        stop.set()
        watcher.join(5)
        logged = a.passes() + b.passes()
    assert max(doing) == 1, "a company had two passes at once"
    assert a.passes() and b.passes(), "both workers ran passes"
    assert {p[0] for p in logged} == {f.id for f in firms}
    for f in firms:
        held = _invoices(client_sandbox, realms[f.id])
        assert sorted(held.elements()) == sorted(numbers[f.id]), "each bill once"
        f.api.close()


def test_a_worker_killed_mid_pass_is_finished_by_another_and_nothing_is_sent_twice(
    queued: Engine, firm: Firm, database_url: str, client_sandbox: Sandbox
) -> None:
    """Randomized: rounds of new bills, each round's worker killed (SIGKILL) at a random moment
    while its pass sends; the next worker finds the dead one's job (stalled-job recovery), waits
    out its lease, and carries on. A last worker finishes. Every bill is in the company once,
    and the books' pending count is zero.

    A round's pass may also end before its kill (the sends are batched): recovery is asserted
    for exactly the rounds whose worker died with its job running."""
    rng = random.Random(SEED)
    realm = connect_firm(firm.id, database_url, client_sandbox)
    _export_bills(firm)
    slow(client_sandbox, realm, 1000)  # some seven requests: a pass of 7 s or more
    env = env_for(database_url, client_sandbox)
    numbers: list[str] = []
    crew: list[Worker] = []
    died_running: list[bool] = []
    for round_ in range(3):
        numbers += _bills(firm, rng.randint(30, 60), f"Crash{round_}")
        with workers(env, f"doomed{round_}") as (doomed,):
            before = len(_held(client_sandbox, realm, "Customer", "Id"))
            wait_for(
                lambda b=before: len(_held(client_sandbox, realm, "Customer", "Id")) > b,
                90,
                "the pass to start sending",
            )
            time.sleep(rng.uniform(0.0, 3.0))  # among the clients' or the bills' sends
            doomed.kill()  # a job still running now is a dead worker's
            died_running.append(bool(pass_jobs(queued, firm.id, "doing")))
        crew.append(doomed)
    assert any(died_running), "at least one worker died in the middle of a pass"
    left_over = _pending(firm) > 0
    with workers(env, "survivor") as (survivor,):
        crew.append(survivor)
        wait_for(lambda: _pending(firm) == 0 and not _busy(queued, firm.id), 180, "recovery")
        for round_, running in enumerate(died_running):
            if running:  # the next worker took the dead one's job back
                log = crew[round_ + 1].log()
                assert "back in the queue" in log or "closed" in log, log
        if left_over:
            assert survivor.passes(), survivor.log()
    held = _invoices(client_sandbox, realm)
    assert sorted(held.elements()) == sorted(numbers)


@pytest.mark.parametrize("threads", [False, True], ids=["one-loop", "pass-threads"])
def test_sigterm_hands_the_pass_in_flight_back_and_the_next_worker_finishes_it(
    queued: Engine, firm: Firm, database_url: str, client_sandbox: Sandbox, threads: bool
) -> None:
    """Also with each pass on a thread of its own (`--threads`): the pass cancelled on its own
    loop unwinds there before its job is handed back."""
    realm = connect_firm(firm.id, database_url, client_sandbox)
    _export_bills(firm)
    slow(client_sandbox, realm, 700)  # some ten requests: a pass of 7 s or more
    env = env_for(database_url, client_sandbox)
    numbers = _bills(firm, 80, "Term")
    worker = start_worker(env, "short-grace", "--grace", "0.5", *(["--threads"] if threads else []))
    try:
        wait_for(lambda: bool(pass_jobs(queued, firm.id, "doing")), 90, "a pass to run")
        time.sleep(1.0)
        assert worker.terminate(30) == 0, worker.log()
    finally:
        if worker.alive():
            worker.kill()
    assert "handed back" in worker.log(), worker.log()
    assert [j["status"] for j in pass_jobs(queued, firm.id, "todo")] == ["todo"]
    assert _pending(firm) > 0
    with workers(env, "next"):
        wait_for(lambda: _pending(firm) == 0 and not _busy(queued, firm.id), 180, "the rest")
    assert sorted(_invoices(client_sandbox, realm).elements()) == sorted(numbers)


def test_in_the_queued_mode_the_web_app_runs_no_pass_it_queues_one(
    queued: Engine, firm: Firm, ledger: Ledger, database_url: str, client_sandbox: Sandbox
) -> None:
    """`Sync now` (API and dashboard) hands the pass to the workers: 202, one pass waiting."""
    import httpx

    from lawsync.config import Settings
    from lawsync.web.app import create_app
    from tests.sandbox.sandbox_support import Server, free_port

    port = free_port()
    settings = Settings(database_url=database_url, port=port, sync_mode="queue")
    server = Server(create_app(settings, ledger=ledger), port=port).start()
    try:
        api = httpx.Client(
            base_url=f"{server.url}/api/v1",
            headers={"Authorization": f"Bearer {firm.token}"},
            timeout=30,
        )
        refused = api.post("/quickbooks/sync")
        assert refused.status_code == 409 or refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "not_connected"
        connect_firm(firm.id, database_url, client_sandbox)
        queued_now = api.post("/quickbooks/sync")
        assert queued_now.status_code == 202, queued_now.text
        assert queued_now.json() == {
            "queued": True,
            "passes": {"mode": "queue", "queued": 1, "running": 0},
        }
        assert api.get("/quickbooks/status").json()["passes"]["queued"] == 1
        assert len(pass_jobs(queued, firm.id)) == 1
        api.close()
    finally:
        server.stop()


def test_a_pass_that_breaks_off_is_deferred_again_not_lost(
    queued: Engine, firm: Firm, database_url: str, client_sandbox: Sandbox
) -> None:
    """An error nobody classed (a bug, an unknown outage) ends the pass: the job logs it and
    defers the firm's next pass after the backoff, instead of failing and waiting for a sweep."""
    import asyncio
    from collections.abc import Callable, Coroutine
    from typing import Any

    from lawsync.config import Settings
    from lawsync.sync import jobs

    connect_firm(firm.id, database_url, client_sandbox)
    with queued.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_jobs"))

    class Breaking(jobs.Runtime):
        async def run(self, make: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
            make().close()  # the pass never starts: it breaks off at once
            raise RuntimeError("an outage nobody classed")

    settings = Settings(database_url=database_url)
    jobs.set_runtime(Breaking(ledger=firm.ledger, settings=settings, app_url="http://127.0.0.1:9"))
    try:
        asyncio.run(jobs.sync_firm.func(None, firm.id, attempt=2))
    finally:
        jobs.set_runtime(None)
    [job] = pass_jobs(queued, firm.id)
    assert job["status"] == "todo" and job["args"] == {"firm_id": firm.id, "attempt": 3}
    with queued.connect() as conn:
        wait = conn.execute(
            text("SELECT extract(epoch FROM scheduled_at - now()) FROM procrastinate_jobs")
        ).scalar_one()
    assert jobs.retry_delay(2) - 5 < float(wait) <= jobs.retry_delay(2)
