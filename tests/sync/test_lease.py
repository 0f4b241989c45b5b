"""One sync pass per firm across processes: the lease row, taken by a conditioned update."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from typing import Any

import pytest

from lawsync.sync import lease
from tests.conftest import Firm

SHORT = dt.timedelta(milliseconds=300)


def test_only_one_owner_holds_the_lease_until_it_gives_it_back(firm: Firm) -> None:
    ledger = firm.ledger
    assert lease.try_take(ledger, firm.id, "worker-a")
    assert not lease.try_take(ledger, firm.id, "worker-b")
    assert lease.try_take(ledger, firm.id, "worker-a")  # renewing is taking again
    held = lease.holder(ledger, firm.id)
    assert held is not None and held[0] == "worker-a"
    lease.give_back(ledger, firm.id, "worker-b")  # not b's to give: nothing changes
    assert not lease.try_take(ledger, firm.id, "worker-b")
    lease.give_back(ledger, firm.id, "worker-a")
    assert lease.holder(ledger, firm.id) is None
    assert lease.try_take(ledger, firm.id, "worker-b")


def test_a_lease_left_by_a_dead_holder_expires(firm: Firm) -> None:
    # Long enough that a busy machine does not let it lapse before the second ask.
    taken = time.monotonic()
    assert lease.try_take(firm.ledger, firm.id, "crashed", ttl=dt.timedelta(seconds=1))
    assert not lease.try_take(firm.ledger, firm.id, "next")
    while not lease.try_take(firm.ledger, firm.id, "next"):
        assert time.monotonic() - taken < 30, "the dead holder's lease never expired"
        time.sleep(0.02)
    assert time.monotonic() - taken >= 1


def test_firms_have_their_own_leases(firm: Firm, other_firm: Firm) -> None:
    assert lease.try_take(firm.ledger, firm.id, "worker-a")
    assert lease.try_take(other_firm.ledger, other_firm.id, "worker-b")


def test_a_pass_waits_for_the_other_process_then_runs(
    firm: Firm, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = firm.ledger
    assert lease.try_take(ledger, firm.id, "other-process")
    entered: list[float] = []
    refusals = threading.Semaphore(0)
    take = lease.try_take

    def counted(*args: Any) -> bool:
        taken = take(*args)
        if args[2] == "us" and not taken:
            refusals.release()
        return taken

    monkeypatch.setattr(lease, "try_take", counted)

    async def scenario() -> None:
        async def our_pass() -> None:
            async with lease.pass_lease(ledger, firm.id, owner="us", poll_seconds=0.02):
                entered.append(time.monotonic())
                held = await asyncio.to_thread(lease.holder, ledger, firm.id)
                assert held is not None and held[0] == "us"

        task = asyncio.create_task(our_pass())
        # Refused twice: it asked, waited its poll and asked again, and never went in.
        for _ in range(2):
            assert await asyncio.to_thread(refusals.acquire, timeout=15)
        assert entered == []  # still held elsewhere
        released = time.monotonic()
        await asyncio.to_thread(lease.give_back, ledger, firm.id, "other-process")
        await asyncio.wait_for(task, 5)
        assert entered and entered[0] >= released

    asyncio.run(scenario())
    assert lease.holder(ledger, firm.id) is None  # given back after the pass


def test_the_holder_renews_while_the_pass_runs(firm: Firm) -> None:
    async def scenario() -> None:
        async with lease.pass_lease(firm.ledger, firm.id, owner="long-pass", ttl=SHORT):
            await asyncio.sleep(SHORT.total_seconds() * 2.5)
            assert not await asyncio.to_thread(lease.try_take, firm.ledger, firm.id, "intruder")

    asyncio.run(scenario())


def test_a_pass_that_lost_its_lease_stops(firm: Firm) -> None:
    ledger = firm.ledger

    async def scenario() -> None:
        async with lease.pass_lease(ledger, firm.id, owner="stalled", ttl=SHORT):
            # As if this worker stalled past the expiry and another one took over.
            await asyncio.to_thread(lease.give_back, ledger, firm.id, "stalled")
            assert await asyncio.to_thread(lease.try_take, ledger, firm.id, "successor", SHORT * 10)
            # The pass goes on until the renewal finds the lease gone and stops it.
            await asyncio.wait_for(asyncio.Event().wait(), 15)

    with pytest.raises(lease.LeaseLost):
        asyncio.run(scenario())
    held = lease.holder(ledger, firm.id)
    assert held is not None and held[0] == "successor"
