"""The wake-up: commits that change syncable records start a pass soon, one at a time per firm.

The pass is an injected callable that records when it ran; commits are real, made through the
API server (another thread) or the ledger, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lawsync.config import Settings
from lawsync.practice.models import User
from lawsync.practice.services.context import Ledger
from lawsync.sync.models import QuickBooksConnection
from lawsync.sync.worker import ENV_FLAG, SyncWorker, connected_firms
from lawsync.web.app import create_app
from tests import builders
from tests.conftest import Firm


class Passes:
    """A stand-in pass: records each run, may take a while, counts how many overlap."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.runs: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.started = asyncio.Event()
        self.changed = asyncio.Condition()

    async def __call__(self, firm_id: int) -> None:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        self.runs.append(firm_id)
        self.started.set()
        async with self.changed:
            self.changed.notify_all()
        try:
            await asyncio.sleep(self.seconds)
        finally:
            self.running -= 1

    async def ran(self, count: int, timeout: float = 15) -> None:
        """Wait until `count` passes have started (fail after `timeout` seconds)."""

        async def enough() -> None:
            async with self.changed:
                await self.changed.wait_for(lambda: len(self.runs) >= count)

        await asyncio.wait_for(enough(), timeout)


def _rename(ledger: Ledger, firm: Firm, name: str, commit: bool = True) -> None:
    with ledger.uow(firm.actor) as uow:
        user = uow.session.get(User, firm.admin_id)
        assert user is not None
        user.name = name
        uow.flush()
        if commit:
            uow.commit()


def _with_worker(
    firm: Firm, passes: Passes, body: Callable[[SyncWorker], Awaitable[Any]], **kw: Any
) -> None:
    async def main() -> None:
        passes.started = asyncio.Event()
        worker = SyncWorker(
            firm.ledger, passes, debounce_seconds=kw.pop("debounce", 0.05), safety_seconds=0, **kw
        )
        await worker.start()
        try:
            await body(worker)
        finally:
            await worker.stop()

    asyncio.run(main())


def test_a_change_committed_through_the_api_wakes_a_pass_within_moments(firm: Firm) -> None:
    passes = Passes()

    async def body(worker: SyncWorker) -> None:
        await asyncio.to_thread(builders.client, firm)
        # Woken by the commit, not by the 5-minute safety timer (speed: bench/sync_wakeup.py).
        await asyncio.wait_for(passes.started.wait(), 15)
        await worker.idle()

    _with_worker(firm, passes, body)
    assert passes.runs == [firm.id]


def test_reads_and_rolled_back_changes_do_not_wake_it(firm: Firm) -> None:
    passes = Passes()
    before: list[int] = []

    async def body(worker: SyncWorker) -> None:
        await asyncio.to_thread(firm.get, "/contacts")
        await asyncio.to_thread(_rename, firm.ledger, firm, "Never Saved", False)
        await worker.idle()
        before.extend(passes.runs)
        # A marker committed after both: once its pass has started, every wake-up the read or
        # the rollback could have asked for has been taken in, and only the marker's was.
        await asyncio.to_thread(_rename, firm.ledger, firm, "Saved")
        await asyncio.wait_for(passes.started.wait(), 15)
        await worker.idle()
        assert worker.requests_taken == 1

    _with_worker(firm, passes, body)
    assert before == []
    assert passes.runs == [firm.id]  # the marker's pass


def test_a_burst_of_changes_is_one_pass_and_changes_during_a_pass_bring_one_more(
    firm: Firm,
) -> None:
    passes = Passes(seconds=0.3)

    async def body(worker: SyncWorker) -> None:
        for i in range(5):
            await asyncio.to_thread(_rename, firm.ledger, firm, f"Burst {i}")
        await asyncio.wait_for(passes.started.wait(), 2)
        assert passes.runs == [firm.id]
        for i in range(3):  # while that pass runs
            await asyncio.to_thread(_rename, firm.ledger, firm, f"During {i}")
        await worker.idle()

    _with_worker(firm, passes, body)
    assert passes.runs == [firm.id, firm.id]
    assert passes.most_at_once == 1


def test_a_failing_pass_does_not_stop_the_worker(firm: Firm) -> None:
    runs: list[int] = []

    async def flaky(firm_id: int) -> None:
        runs.append(firm_id)
        if len(runs) == 1:
            raise RuntimeError("the first pass breaks")

    async def body(worker: SyncWorker) -> None:
        # A commit's wake-up is queued on the worker's loop before the commit returns, so idle()
        # waits for the pass it asked for.
        await asyncio.to_thread(_rename, firm.ledger, firm, "One")
        await worker.idle()
        await asyncio.to_thread(_rename, firm.ledger, firm, "Two")
        await worker.idle()

    async def main() -> None:
        worker = SyncWorker(firm.ledger, flaky, debounce_seconds=0.05, safety_seconds=0)
        await worker.start()
        try:
            await body(worker)
        finally:
            await worker.stop()

    asyncio.run(main())
    assert runs == [firm.id, firm.id]


def test_the_safety_pass_visits_connected_firms_without_any_change(firm: Firm) -> None:
    with firm.ledger.uow(firm.actor) as uow:
        uow.session.add(QuickBooksConnection(firm_id=firm.id, realm_id="4620"))
        uow.commit()
    assert firm.id in connected_firms(firm.ledger)
    passes = Passes()

    async def body(worker: SyncWorker) -> None:
        await passes.ran(2)  # two safety visits, 0.1 s apart

    async def main() -> None:
        worker = SyncWorker(
            firm.ledger, passes, safety_seconds=0.1, debounce_seconds=0.01, firms=lambda: [firm.id]
        )
        await worker.start()
        try:
            await body(worker)
        finally:
            await worker.stop()

    asyncio.run(main())
    assert passes.runs.count(firm.id) >= 2


def test_the_web_app_runs_the_worker_only_when_enabled(
    ledger: Ledger, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(database_url=database_url)
    monkeypatch.delenv(ENV_FLAG, raising=False)
    app = create_app(settings, ledger=ledger, mount_sandbox=False)
    with TestClient(app):
        assert app.state.sync_worker is None
    monkeypatch.setenv(ENV_FLAG, "1")
    app = create_app(settings, ledger=ledger, mount_sandbox=False)
    with TestClient(app):
        assert isinstance(app.state.sync_worker, SyncWorker)


def test_only_changes_that_can_be_sent_make_a_pass_due(ledger: Ledger, firm: Firm) -> None:
    """Time entries and drafts reach the company inside an approved bill: saving them asks for
    no pass; an approved bill, a contact, or a bill put back to draft does."""
    from lawsync.practice.models import Bill, BillState, Contact, TimeEntry
    from lawsync.sync.worker import syncable

    client = builders.client(firm)
    entry = builders.time_entry(firm, builders.matter(firm, client["id"])["id"])
    draft = builders.bill(firm, client["id"], approve=False)
    with ledger.uow(firm.actor) as uow:
        assert not syncable(uow.session.get(TimeEntry, entry["id"]))
        assert syncable(uow.session.get(Contact, client["id"]))
        bill = uow.session.get(Bill, draft["id"])
        assert bill is not None and bill.state == BillState.draft
        assert not syncable(bill)
        bill.state = BillState.approved
        assert syncable(bill)
    other = builders.client(firm)
    builders.time_entry(firm, builders.matter(firm, other["id"])["id"])
    approved = builders.bill(firm, other["id"])
    with ledger.uow(firm.actor) as uow:
        bill = uow.session.get(Bill, approved["id"])
        assert bill is not None and syncable(bill)
        bill.state = BillState.draft  # not a step the ledger offers; the rule still holds
        assert syncable(bill)
