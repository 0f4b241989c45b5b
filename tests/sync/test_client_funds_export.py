"""Client funds to the accounting side, through the JSON API against the sandbox: every movement
posted once, to the trust bank and liability accounts, the client named on each line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import httpx
import pytest

from lawsync.quickbooks import (
    Account,
    Customer,
    JournalEntry,
    Purchase,
    QuickBooksError,
    Vendor,
)
from lawsync.sync import preview
from lawsync.sync.client_funds_settings import ClientFundsAccountMap
from lawsync.sync.settings import SyncSettingsUpdate, update_settings
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
    found = firm.get("/quickbooks/failures")["data"]
    (failure,) = [f for f in found if f["record"]["kind"] == "client_funds_entry"]
    # The entry typed by hand names no client: the comparison after the pass says so.
    (drift,) = [f for f in found if f["record"]["kind"] == "trust_account_balance"]
    assert "5.00 of its postings name no client" in drift["message"]
    assert failure["code"] == "6140" and failure["record"]["kind"] == "client_funds_entry"
    assert failure["record"]["id"] == txn["id"], failure
    assert "journal" in failure["title"].lower()
    steps = " ".join(failure["resolution"])
    assert "Warn if duplicate journal number is used" in steps
    assert "/settings/quickbooks#client-funds" in steps
    # The guide names the journal prefix: saving a new one retries the failure by itself.
    firm.put("/quickbooks/settings", {"journal_prefix": "TR"})
    (waiting,) = [f for f in firm.get("/quickbooks/failures")["data"] if f["id"] == failure["id"]]
    assert waiting["retry_requested_at"] is not None
    books.sync()
    left = firm.get("/quickbooks/failures")["data"]
    assert [f["record"]["kind"] for f in left] == ["trust_account_balance"]
    assert {e.DocNumber for e in books.query(JournalEntry)} == {f"J{txn['id']}", f"TR{txn['id']}"}


def test_the_reconciliation_shows_both_sides_equal_after_a_pass(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, cheque_printing=True)
    ada, bo = builders.client(firm), builders.client(firm)
    builders.deposit(firm, books.account_id, ada["id"], "700.00")
    builders.deposit(firm, books.account_id, bo["id"], "300.00")
    builders.disburse(firm, books.account_id, ada["id"], "200.00", method="cheque")
    builders.disburse(firm, books.account_id, bo["id"], "50.00", method="eft")
    books.sync()
    found = firm.get(f"/client-funds-accounts/{books.account_id}/reconciliation")
    assert found["balanced"] is True, found
    assert found["ledger_balance"] == "750.00"
    assert (
        found["quickbooks"]["bank_balance"] == found["quickbooks"]["liability_balance"] == "750.00"
    )
    by_client = {c["client_id"]: (c["ledger"], c["quickbooks"]) for c in found["clients"]}
    assert by_client == {ada["id"]: ("500.00", "500.00"), bo["id"]: ("250.00", "250.00")}


def test_the_reconciliation_marks_what_has_not_reached_quickbooks(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "400.00")
    books.sync()
    builders.deposit(firm, books.account_id, client["id"], "25.00")  # not synced yet
    found = firm.get(f"/client-funds-accounts/{books.account_id}/reconciliation")
    assert found["balanced"] is False
    (line,) = found["clients"]
    assert (line["ledger"], line["quickbooks"], line["difference"]) == (
        "425.00",
        "400.00",
        "-25.00",
    )


def test_an_unmapped_or_another_firms_account_has_no_reconciliation(
    firm: Firm, other_firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    unmapped = builders.trust_account(firm, "Unmapped trust")["id"]
    r = firm.api.get(f"/client-funds-accounts/{unmapped}/reconciliation")
    assert r.status_code == 404 and "not mapped" in r.json()["error"]["message"]
    r = other_firm.api.get(f"/client-funds-accounts/{books.account_id}/reconciliation")
    assert r.status_code == 404


def test_money_held_before_the_start_date_is_one_opening_entry_per_client(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    start = DAY + dt.timedelta(days=10)
    books = trust_books(firm, control, server_url, client_funds_start_date=start.isoformat())
    ada = builders.client(firm)
    builders.deposit(firm, books.account_id, ada["id"], "800.00", date=DAY)
    builders.disburse(firm, books.account_id, ada["id"], "100.00", method="eft", date=DAY)
    after = builders.deposit(firm, books.account_id, ada["id"], "50.00", date=start)
    books.sync()
    entries = {e.DocNumber: e for e in books.query(JournalEntry)}
    assert set(entries) == {str(after["id"]), *(n for n in entries if n and n.startswith("OB"))}
    (opening,) = [e for n, e in entries.items() if n and n.startswith("OB")]
    assert opening.TxnDate == start.isoformat() and opening.TotalAmt == Decimal("700.00")
    assert books.balance(books.bank) == books.balance(books.liability) == Decimal("750.00")
    found = firm.get(f"/client-funds-accounts/{books.account_id}/reconciliation")
    assert found["balanced"] is True, found

    # A deposit recorded late, dated before the start date, moves the opening balance.
    builders.deposit(firm, books.account_id, ada["id"], "25.00", date=DAY)
    books.sync()
    (moved,) = [e for e in books.query(JournalEntry) if e.DocNumber == opening.DocNumber]
    assert moved.TotalAmt == Decimal("725.00")
    assert firm.get(f"/client-funds-accounts/{books.account_id}/reconciliation")["balanced"]


def test_with_a_sub_account_per_client_each_clients_money_posts_to_their_own(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, trust_subledgers=True, cheque_printing=True)
    ada, bo = builders.client(firm), builders.client(firm)
    builders.deposit(firm, books.account_id, ada["id"], "600.00")
    builders.deposit(firm, books.account_id, bo["id"], "150.00")
    builders.disburse(firm, books.account_id, ada["id"], "100.00", method="cheque")
    books.sync()
    books.sync()  # nothing more: the sub-accounts are found, not made again
    subs = {
        a.Name: a
        for a in books.query(Account)
        if a.ParentRef is not None and a.ParentRef.value == books.liability
    }
    assert set(subs) == {
        f"{ada['display_name']} ({ada['id']})",
        f"{bo['display_name']} ({bo['id']})",
    }
    assert books.balance(subs[f"{ada['display_name']} ({ada['id']})"].Id or "") == Decimal("500.00")
    assert books.balance(subs[f"{bo['display_name']} ({bo['id']})"].Id or "") == Decimal("150.00")
    assert books.balance(books.bank) == Decimal("650.00")
    found = firm.get(f"/client-funds-accounts/{books.account_id}/reconciliation")
    assert found["balanced"] is True, found
    assert found["quickbooks"]["liability_balance"] == "650.00"


def test_a_description_too_long_for_quickbooks_is_posted_shortened_with_a_note(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    client = builders.client(firm)
    long = "Retainer for the appeal, per the engagement letter. " * 90  # 4,680 characters
    firm.post(
        "/client-funds-transactions",
        {
            "kind": "deposit",
            "account_id": books.account_id,
            "client_id": client["id"],
            "amount": "5000.00",
            "date": DAY.isoformat(),
            "description": long,
        },
    )
    report = books.sync()
    assert report["kinds"]["client_funds_entry"]["synced"] == 1, report
    (entry,) = books.query(JournalEntry)
    for line in entry.Line or []:
        text = str(line.Description)
        assert len(text) <= 4000 and text.endswith("(shortened: the full text is in lawsync)")
    assert books.balance(books.bank) == books.ledger_balance() == Decimal("5000.00")
    # The company takes no more: the same text unshortened is refused there (2050).
    line = {"DetailType": "JournalEntryLineDetail", "Amount": "1.00", "Description": long}
    whole = {
        "Line": [
            {**line, "JournalEntryLineDetail": {"PostingType": p, "AccountRef": {"value": a}}}
            for p, a in (("Debit", books.bank), ("Credit", books.liability))
        ]
    }
    with pytest.raises(QuickBooksError) as refused:
        books.call(lambda qb: qb.create(books.realm, JournalEntry.model_validate(whole)))
    assert refused.value.code == "2050"


def test_a_trust_account_in_a_currency_the_company_lacks_fails_before_any_call(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    """Mapped while the company's accounts could not be read (so not checked then), a EUR trust
    account in a USD company without multicurrency is refused by the pre-flight check."""
    books = trust_books(firm, control, server_url)
    euro = firm.post("/client-funds-accounts", {"name": "Euro trust", "currency": "EUR"})["id"]

    async def accounts(qb: Any) -> tuple[str, str]:
        bank = await qb.create(books.realm, Account(Name="Euro Bank", AccountType="Bank"))
        owed = await qb.create(
            books.realm, Account(Name="Euro Owed", AccountType="Other Current Liability")
        )
        return str(bank.Id), str(owed.Id)

    bank, owed = books.call(accounts)
    maps = [
        ClientFundsAccountMap(
            account_id=books.account_id, bank_account=books.bank, liability_account=books.liability
        ),
        ClientFundsAccountMap(account_id=euro, bank_account=bank, liability_account=owed),
    ]
    update_settings(firm.ledger, firm.actor, SyncSettingsUpdate(client_funds_accounts=maps))
    client = builders.client(firm)
    txn = builders.deposit(firm, euro, client["id"], "100.00")
    report = books.sync()
    assert report["kinds"]["client_funds_entry"]["failed"] == 1, report
    assert books.query(JournalEntry) == []
    (failure,) = firm.get("/quickbooks/failures")["data"]
    assert failure["record"] == {"kind": "client_funds_entry", "id": txn["id"], "revision": 1}
    assert (failure["code"], failure["element"]) == ("6000", "CurrencyRef")
    assert "currency" in failure["title"]
    assert any("/settings/quickbooks#client-funds" in step for step in failure["resolution"])


def test_a_preview_of_cheques_and_sub_accounts_makes_nothing_in_quickbooks(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url, cheque_printing=True, trust_subledgers=True)
    client = builders.client(firm)
    builders.deposit(firm, books.account_id, client["id"], "90.00")
    builders.disburse(
        firm, books.account_id, client["id"], "40.00", method="cheque", payee_name="Court Office"
    )
    accounts_before = len(books.query(Account))

    async def look(qb: Any) -> preview.Preview:
        return await preview.preview(firm.ledger, firm.id, qb)

    seen = books.call(look)
    planned = {k.kind: len(k.planned) + len(k.waiting) for k in seen.kinds}
    assert planned["client_funds_entry"] == 1 and planned["client_funds_cheque"] == 1
    assert books.query(Vendor, "DisplayName = 'Court Office'") == []
    assert len(books.query(Account)) == accounts_before
    books.sync()
    assert len(books.query(Vendor, "DisplayName = 'Court Office'")) == 1
