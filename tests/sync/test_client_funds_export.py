"""Client funds to the accounting side, through the JSON API against the sandbox: every movement
posted once, to the trust bank and liability accounts, the client named on each line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lawsync.quickbooks import Customer, JournalEntry, Purchase, Vendor
from tests import builders
from tests.conftest import Firm
from tests.sync.client_funds_support import TrustBooks, trust_books

DAY = builders.DAY


def _postings(entry: JournalEntry) -> list[tuple[str, str, Decimal, str]]:
    """(posting type, account, amount, customer) of each line."""
    out = []
    for line in entry.Line or []:
        detail = line.JournalEntryLineDetail
        assert detail is not None and detail.Entity is not None and detail.Entity.EntityRef
        out.append(
            (
                detail.PostingType,
                detail.AccountRef.value,
                Decimal(line.Amount or 0),
                detail.Entity.EntityRef.value,
            )
        )
    return sorted(out)


def _customer(books: TrustBooks, display_name: str) -> str:
    (found,) = books.query(Customer, f"DisplayName = '{display_name}'")
    return str(found.Id)


def test_a_deposit_is_a_journal_entry_into_trust_naming_the_client(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, journal_prefix="T-")
    client = builders.client(firm)
    txn = builders.deposit(firm, books.account_id, client["id"], "1500.00")
    report = books.sync()
    assert report["kinds"]["client_funds_entry"]["synced"] == 1, report
    # The client became a customer without any bill: it holds money in trust.
    customer = _customer(books, client["display_name"])
    (entry,) = books.query(JournalEntry)
    assert entry.DocNumber == f"T-{txn['id']}" and entry.TxnDate == DAY.isoformat()
    assert _postings(entry) == [
        ("Credit", books.liability, Decimal("1500.00"), customer),
        ("Debit", books.bank, Decimal("1500.00"), customer),
    ]
    assert books.balance(books.bank) == books.ledger_balance() == Decimal("1500.00")
    assert books.balance(books.liability) == Decimal("1500.00")
    assert books.sync()["kinds"]["client_funds_entry"]["synced"] == 0  # exactly once


def test_a_transfer_out_posts_the_other_way_and_a_reversal_posts_back(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "1000.00")
    out = builders.disburse(firm, books.account_id, client["id"], "400.00", method="eft")
    books.sync()
    later = DAY + dt.timedelta(days=3)
    reversal = firm.post(
        f"/client-funds-transactions/{out['id']}/reverse",
        {"reason": "Sent to the wrong account", "date": later.isoformat()},
    )
    books.sync()
    customer = _customer(books, client["display_name"])
    entries = {e.DocNumber: e for e in books.query(JournalEntry)}
    assert set(entries) == {str(out["id"] - 1), str(out["id"]), str(reversal["id"])}
    assert _postings(entries[str(out["id"])]) == [
        ("Credit", books.bank, Decimal("400.00"), customer),
        ("Debit", books.liability, Decimal("400.00"), customer),
    ]
    back = entries[str(reversal["id"])]
    assert back.TxnDate == later.isoformat()  # dated the reversal's day; the original stands
    assert _postings(back) == [
        ("Credit", books.liability, Decimal("400.00"), customer),
        ("Debit", books.bank, Decimal("400.00"), customer),
    ]
    assert books.balance(books.bank) == books.balance(books.liability) == Decimal("1000.00")
    assert books.ledger_balance() == Decimal("1000.00")


def test_a_cheque_to_print_comes_back_with_the_number_printed(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, cheque_printing=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "900.00")
    cheque = builders.disburse(
        firm, books.account_id, client["id"], "250.00", method="cheque", payee_name="Land Registry"
    )
    report = books.sync()
    assert report["kinds"]["client_funds_cheque"]["synced"] == 1, report
    (printed,) = books.query(Purchase)
    (vendor,) = books.query(Vendor, "DisplayName = 'Land Registry'")
    assert printed.PrintStatus == "NeedToPrint" and printed.EntityRef
    assert printed.EntityRef.value == vendor.Id and printed.AccountRef
    assert printed.AccountRef.value == books.bank
    assert books.balance(books.bank) == Decimal("650.00")

    r = control.post(
        f"/_sandbox/companies/{books.realm}/print-cheques",
        json={"first_number": 7001, "account_id": books.bank},
    )
    assert r.status_code == 200, r.text
    books.sync()
    numbered = firm.get(f"/client-funds-transactions/{cheque['id']}")
    assert numbered["cheque_number"] == "7001"
    books.sync()
    assert len(books.query(Purchase)) == 1 and len(books.query(Vendor)) == 1


def test_a_cheque_numbered_in_the_ledger_is_not_left_to_print(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, cheque_printing=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "300.00")
    builders.disburse(
        firm, books.account_id, client["id"], "300.00", method="cheque", cheque_number="1042"
    )
    books.sync()
    (written,) = books.query(Purchase)
    assert written.DocNumber == "1042" and written.PrintStatus != "NeedToPrint"
    assert books.balance(books.bank) == books.ledger_balance() == Decimal("0.00")


def test_reversing_an_unprinted_cheque_withdraws_it_and_posts_nothing_else(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, cheque_printing=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "500.00")
    cheque = builders.disburse(firm, books.account_id, client["id"], "200.00", method="cheque")
    books.sync()
    assert len(books.query(Purchase)) == 1
    firm.post(f"/client-funds-transactions/{cheque['id']}/reverse", {"reason": "Wrong payee"})
    books.sync()
    assert books.query(Purchase) == []
    assert len(books.query(JournalEntry)) == 1  # the deposit only
    assert books.balance(books.bank) == books.balance(books.liability) == Decimal("500.00")
    assert books.ledger_balance() == Decimal("500.00")


class _Lost(Exception):
    pass


def _lose_the_cheque(jobs: Any) -> None:
    if any(job.kind == "client_funds_cheque" for job in jobs):
        raise _Lost("the cheque was made; its answer never written down")


def test_a_cheque_whose_answer_was_lost_and_then_reversed_is_withdrawn(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    """The cheque to print was made in QuickBooks, the pass died before writing that down, and
    the disbursement was reversed: the cheque that create made is found and deleted, so the
    bank does not pay out money the ledger says never left."""
    books = trust_books(firm, control, server_url, cheque_printing=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "500.00")
    cheque = builders.disburse(firm, books.account_id, client["id"], "200.00", method="cheque")
    with pytest.raises(_Lost):
        books.run(after_reply=_lose_the_cheque)
    assert len(books.query(Purchase)) == 1
    firm.post(f"/client-funds-transactions/{cheque['id']}/reverse", {"reason": "Wrong payee"})
    books.sync()
    assert firm.get("/quickbooks/failures")["data"] == []
    assert books.query(Purchase) == []
    assert len(books.query(JournalEntry)) == 1  # the deposit only
    assert books.balance(books.bank) == books.balance(books.liability) == Decimal("500.00")
    assert books.ledger_balance() == Decimal("500.00")


def test_a_cheque_printed_in_quickbooks_then_reversed_before_its_number_came_back(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    """Printing changes the cheque in QuickBooks (a new SyncToken), so deleting it with the
    token we hold is refused as stale: it is read again and deleted, as an update would be,
    and not left as a failure whose fix says it needs nothing."""
    books = trust_books(firm, control, server_url, cheque_printing=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "500.00")
    cheque = builders.disburse(firm, books.account_id, client["id"], "200.00", method="cheque")
    books.sync()
    r = control.post(
        f"/_sandbox/companies/{books.realm}/print-cheques",
        json={"first_number": 7001, "account_id": books.bank},
    )
    assert r.status_code == 200, r.text
    firm.post(f"/client-funds-transactions/{cheque['id']}/reverse", {"reason": "Never sent"})
    report = books.sync()
    assert firm.get("/quickbooks/failures")["data"] == [], report
    assert books.query(Purchase) == []
    assert books.balance(books.bank) == books.balance(books.liability) == Decimal("500.00")
    assert books.ledger_balance() == Decimal("500.00")


def test_funds_applied_to_a_bill_leave_trust_and_pay_the_invoice(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    mappings = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": mappings})
    client, _, bill = builders.billed_client(firm)
    builders.deposit(firm, books.account_id, client["id"], "1000.00")
    firm.post(
        "/payments",
        {
            "client_id": client["id"],
            "date": DAY.isoformat(),
            "amount": bill["total"],
            "method": "other",
            "source": "client_funds",
            "client_funds_account_id": books.account_id,
            "allocations": [{"bill_id": bill["id"], "amount": bill["total"]}],
        },
    )
    report = books.sync()
    assert report["kinds"]["payment"]["synced"] == 1, report
    assert report["kinds"]["client_funds_entry"]["synced"] == 2, report
    left = Decimal("1000.00") - Decimal(bill["total"])
    assert books.balance(books.bank) == books.balance(books.liability) == left
    assert books.ledger_balance() == left


def test_mappings_that_cannot_hold_trust_money_are_refused_beside_their_field(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    other = builders.trust_account(firm, "Second trust")["id"]

    def refused(maps: list[dict[str, object]]) -> dict[str, str]:
        r = firm.api.put("/quickbooks/settings", json={"client_funds_accounts": maps})
        assert r.status_code == 422, r.text
        return dict(r.json()["error"])

    one = {"account_id": books.account_id, "bank_account": books.bank}
    swapped = refused([{**one, "bank_account": books.liability, "liability_account": books.bank}])
    assert swapped["field"] == "client_funds_accounts.0.bank_account"
    assert "not Bank" in swapped["message"]
    twice = refused(
        [
            {**one, "liability_account": books.liability},
            {"account_id": other, "bank_account": books.bank, "liability_account": "1"},
        ]
    )
    assert twice["field"] == "client_funds_accounts.1.bank_account"
    missing = refused([{**one, "liability_account": "999999"}])
    assert missing["field"] == "client_funds_accounts.0.liability_account"
    # Nothing half-saved: the first mapping stands.
    saved = firm.get("/quickbooks/settings")["client_funds_accounts"]
    assert saved == [{**one, "liability_account": books.liability}]


def test_a_taken_journal_number_is_a_failure_with_its_fix(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, journal_prefix="J")
    r = control.patch(
        f"/_sandbox/companies/{books.realm}", json={"warn_duplicate_doc_numbers": True}
    )
    assert r.status_code == 200, r.text
    client = builders.client(firm)
    txn = builders.deposit(firm, books.account_id, client["id"], "100.00")
    # The number the deposit's entry will take is typed in QuickBooks by hand beforehand.
    line = {"DetailType": "JournalEntryLineDetail", "Amount": "5.00"}
    typed = {
        "DocNumber": f"J{txn['id']}",
        "Line": [
            {**line, "JournalEntryLineDetail": {"PostingType": p, "AccountRef": {"value": a}}}
            for p, a in (("Debit", books.bank), ("Credit", books.liability))
        ],
    }
    books.call(lambda qb: qb.create(books.realm, JournalEntry.model_validate(typed)))
    books.sync()
    (failure,) = firm.get("/quickbooks/failures")["data"]
    assert failure["code"] == "6140" and failure["record"]["kind"] == "client_funds_entry"
    assert failure["record"]["id"] == txn["id"] and failure["resolution"], failure
    firm.put("/quickbooks/settings", {"journal_prefix": "TR"})
    firm.post(f"/quickbooks/failures/{failure['id']}/retry", None, 200)
    books.sync()
    assert firm.get("/quickbooks/failures")["data"] == []
    assert {e.DocNumber for e in books.query(JournalEntry)} == {f"J{txn['id']}", f"TR{txn['id']}"}
