"""The change feed against the sandbox over real HTTP: a cheque printed in QuickBooks comes back
through change data capture, lawsync's own writes coming back change nothing and send nothing
(requests counted), and a cursor QuickBooks no longer serves makes the importers compare."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import httpx
from sqlalchemy import update

from lawsync.config import Settings
from lawsync.quickbooks import Purchase
from lawsync.storage import utcnow
from lawsync.sync import context
from lawsync.sync.context import PassContext
from lawsync.sync.imports import feed
from lawsync.sync.models import InboundCursor
from tests import builders
from tests.conftest import SANDBOX_CONTROL_SECRET, Firm
from tests.sync.client_funds_support import TrustBooks, trust_books
from tests.sync.inbound_support import inbound


def _pull(books: TrustBooks) -> feed.PullReport:
    settings = Settings(database_url="unused", sandbox_control_secret=SANDBOX_CONTROL_SECRET)
    return asyncio.run(
        feed.pull_firm(books.firm.ledger, books.firm.id, settings, app_url=books.server_url)
    )


def _cheque_waiting(firm: Firm, control: httpx.Client, server_url: str) -> tuple[TrustBooks, Any]:
    """Books with a cheque sent to print, after the pass that sent it."""
    books = trust_books(firm, control, server_url, cheque_printing=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "900.00")
    cheque = builders.disburse(
        firm, books.account_id, client["id"], "250.00", method="cheque", payee_name="Land Registry"
    )
    report = books.sync()
    assert report["kinds"]["client_funds_cheque"]["synced"] == 1, report
    return books, cheque


def _print(books: TrustBooks, first_number: int) -> None:
    r = books.control.post(
        f"/_sandbox/companies/{books.realm}/print-cheques",
        json={"first_number": first_number, "account_id": books.bank},
    )
    assert r.status_code == 200 and len(r.json()["printed"]) == 1, r.text


def _number(firm: Firm, cheque: Any) -> str | None:
    found = firm.get(f"/client-funds-transactions/{cheque['id']}")["cheque_number"]
    return None if found is None else str(found)


def test_a_cheque_printed_in_quickbooks_comes_back_through_the_change_feed(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books, cheque = _cheque_waiting(firm, control, server_url)
    _print(books, 8101)
    report = _pull(books)
    assert (report.changes, report.applied, report.compared) == (1, 1, False), report
    assert report.requests == 1  # one change data capture request, no read per cheque
    assert _number(firm, cheque) == "8101"
    again = _pull(books)  # nothing new since: the cursor moved on
    assert (again.changes, again.applied, again.requests) == (0, 0, 1), again
    # (the sandbox's own webhook about the printing may still arrive and ask for one more)
    assert inbound(firm)["cursor_at"] is not None


def test_our_own_writes_coming_back_change_nothing_and_send_nothing(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books, cheque = _cheque_waiting(firm, control, server_url)
    (sent,) = books.query(Purchase)
    # The cheque the pass created is in the change feed, and so is its client's customer: both
    # ours (same SyncToken), dropped.
    report = _pull(books)
    assert report.own_writes == 2 and report.changes == 0 and report.applied == 0, report
    assert report.requests == 1
    # The sandbox also told this server about that write by webhook: a pull is wanted, and
    # the pull it asks for finds nothing that is not ours.
    deadline = time.monotonic() + 15
    while inbound(firm)["webhooks_received"] == 0:
        assert time.monotonic() < deadline, "the sandbox's webhook never arrived"
        time.sleep(0.05)
    after_webhook = _pull(books)
    assert (after_webhook.changes, after_webhook.applied) == (0, 0), after_webhook
    # And a pass sends nothing back.
    passed = books.sync()
    assert all(k["synced"] == 0 and k["failed"] == 0 for k in passed["kinds"].values()), passed
    (still,) = books.query(Purchase)
    assert still.SyncToken == sent.SyncToken and _number(firm, cheque) is None


def test_a_number_taken_from_quickbooks_is_not_sent_back(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books, cheque = _cheque_waiting(firm, control, server_url)
    _print(books, 8201)
    assert _pull(books).applied == 1
    (printed,) = books.query(Purchase)
    passed = books.sync()
    # The number came from QuickBooks' cheque: the pass sends nothing back about it.
    assert all(k["synced"] == 0 and k["failed"] == 0 for k in passed["kinds"].values()), passed
    assert _number(firm, cheque) == "8201"
    report = _pull(books)
    # The printed cheque and the customer the pass made come again (each pull asks again for
    # the minute before its cursor), known by their SyncTokens: dropped, nothing applied.
    assert (report.changes, report.applied, report.own_writes) == (0, 0, 2), report
    (now,) = books.query(Purchase)
    assert now.DocNumber == printed.DocNumber == "8201"
    assert now.SyncToken == printed.SyncToken  # never written again


def test_a_change_stamped_just_before_the_cursor_still_comes_back(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    """QuickBooks may stamp a change a moment before it shows in its feed: a pull whose cursor
    already passed the change's time (by less than a minute) still finds it, once."""
    books, cheque = _cheque_waiting(firm, control, server_url)
    assert _pull(books).changes == 0
    _print(books, 8151)
    later = utcnow() + feed.OVERLAP - dt.timedelta(seconds=5)
    with books.firm.ledger.uow(books.firm.id) as uow:
        uow.session.execute(update(InboundCursor).values(cursor_at=later))
        uow.commit()
    report = _pull(books)
    assert (report.changes, report.applied) == (1, 1), report
    assert _number(firm, cheque) == "8151"
    again = _pull(books)
    assert (again.changes, again.applied) == (0, 0), again


def _age_cursor(books: TrustBooks, *, cursor: dt.timedelta, last_pull: dt.timedelta) -> None:
    now = utcnow()
    with books.firm.ledger.uow(books.firm.id) as uow:
        uow.session.execute(
            update(InboundCursor).values(cursor_at=now - cursor, last_pull_at=now - last_pull)
        )
        uow.commit()


def test_a_cursor_older_than_quickbooks_keeps_makes_the_importers_compare(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books, cheque = _cheque_waiting(firm, control, server_url)
    _print(books, 8301)
    _age_cursor(books, cursor=dt.timedelta(days=31), last_pull=dt.timedelta(days=31))
    report = _pull(books)
    assert report.compared and report.applied == 1, report
    # The company's time, then the cheques waiting and the linked customers read back by id:
    # no change data capture.
    assert report.requests == 3
    assert _number(firm, cheque) == "8301"
    assert inbound(firm)["last_compare_at"] is not None
    follow = _pull(books)
    assert not follow.compared and follow.requests == 1, follow


def test_a_cursor_quickbooks_refuses_makes_the_importers_compare(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    """Our clock said the last pull was recent, but the cursor is past QuickBooks' 30 days: its
    refusal (2190) is answered by comparing, not by a failure."""
    books, cheque = _cheque_waiting(firm, control, server_url)
    # The company keeps QuickBooks' documented window (recorded companies answer in full).
    control.patch(
        f"/_sandbox/companies/{books.realm}", json={"cdc_window_days": 30}
    ).raise_for_status()
    _print(books, 8401)
    _age_cursor(books, cursor=dt.timedelta(days=31), last_pull=dt.timedelta(0))
    report = _pull(books)
    assert report.compared and report.applied == 1, report
    # The refused change data capture, the time, the comparison (cheques, customers).
    assert report.requests == 4
    assert _number(firm, cheque) == "8401"


def test_a_preview_pulls_nothing(firm: Firm, control: httpx.Client, server_url: str) -> None:
    books, cheque = _cheque_waiting(firm, control, server_url)
    _print(books, 8501)
    before = inbound(firm)

    async def look(qb: Any) -> tuple[feed.PullReport, int]:
        ctx = context.load(firm.ledger, firm.id, qb)
        assert isinstance(ctx, PassContext)
        ctx.looking_only = True
        with ctx.counting():
            report = await feed.pull(ctx)
        return report, ctx.requests

    report, requests = books.call(look)
    assert (report.changes, report.applied, requests) == (0, 0, 0)
    assert _number(firm, cheque) is None
    assert inbound(firm)["last_pull_at"] == before["last_pull_at"]
