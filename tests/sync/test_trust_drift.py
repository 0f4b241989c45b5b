"""After every pass the ledger and the company are compared per trust account, per client and
per bill; a drift made on purpose in the sandbox is caught by the next pass, named, explained,
and closed again once both sides agree."""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

import httpx

from lawsync.quickbooks import Account, Customer, Invoice, Item, JournalEntry
from tests import builders
from tests.conftest import Firm
from tests.sync.client_funds_support import TrustBooks, trust_books
from tests.sync.connect_support import connect
from tests.web.browser import Browser, with_password


def _open(firm: Firm, kind: str) -> list[dict[str, Any]]:
    rows = firm.get("/quickbooks/failures", limit=100)["data"]
    return [r for r in rows if r["record"]["kind"] == kind]


def _entry_of(books: TrustBooks, customer_id: str) -> JournalEntry:
    for entry in books.query(JournalEntry):
        for line in entry.Line or []:
            d = line.JournalEntryLineDetail
            if d and d.Entity and d.Entity.EntityRef and d.Entity.EntityRef.value == customer_id:
                return entry
    raise AssertionError("no journal entry names the customer")


def test_a_journal_entry_edited_in_quickbooks_is_caught_by_the_next_pass(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    ada = builders.client(firm, first_name="Ada", last_name="Drift")
    bo = builders.client(firm, first_name="Bo", last_name="Steady")
    builders.deposit(firm, books.account_id, ada["id"], "700.00")
    builders.deposit(firm, books.account_id, bo["id"], "300.00")
    report = books.run()
    assert report.compared is not None and report.compared.differences == 0
    assert report.compared.clients_compared == 2
    assert _open(firm, "trust_client_balance") == []

    # Someone edits the deposit's entry in QuickBooks: 700 becomes 650 on both lines.
    (customer,) = books.query(Customer, "DisplayName = 'Ada Drift'")
    entry = _entry_of(books, str(customer.Id))
    for line in entry.Line or []:
        line.Amount = Decimal("650.00")
    books.call(lambda qb: qb.update(books.realm, entry))

    report = books.run()
    assert report.compared is not None and report.compared.differences == 2  # Ada, the account
    (row,) = _open(firm, "trust_client_balance")
    assert row["record"]["id"] == ada["id"]
    assert "Ada Drift" in row["message"]
    assert "700.00 in the ledger but 650.00 in QuickBooks" in row["message"]
    assert f"Journal Entry {entry.DocNumber}" in row["detail"] and "Different" in row["detail"]
    assert "QuickBooks 650.00, ledger 700.00" in row["detail"]
    assert row["resolution"] and row["title"].startswith("A client's trust balance differs")
    browser = Browser(server_url)
    try:
        browser.sign_in(with_password(firm))
        dashboard = browser.page("/")
    finally:
        browser.close()
    shown = dashboard[dashboard.index('id="comparisons"') :]
    assert 'class="differs"' in shown and "(2 clients)" in shown
    assert "kind=trust_client_balance" in shown
    (account_row,) = _open(firm, "trust_account_balance")
    assert "holds 1000.00 in the ledger" in account_row["message"]
    assert "950.00" in account_row["message"]

    # Put back as it was: the next pass closes both rows.
    entry = _entry_of(books, str(customer.Id))
    for line in entry.Line or []:
        line.Amount = Decimal("700.00")
    books.call(lambda qb: qb.update(books.realm, entry))
    report = books.run()
    assert report.compared is not None and report.compared.differences == 0
    assert _open(firm, "trust_client_balance") == [] == _open(firm, "trust_account_balance")


def test_a_posting_moved_to_another_customer_keeps_the_total_but_names_both_clients(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    ada = builders.client(firm, first_name="Ada", last_name="Moved")
    bo = builders.client(firm, first_name="Bo", last_name="Given")
    builders.deposit(firm, books.account_id, ada["id"], "120.00")
    builders.deposit(firm, books.account_id, bo["id"], "80.00")
    books.run()
    (a,) = books.query(Customer, "DisplayName = 'Ada Moved'")
    (b,) = books.query(Customer, "DisplayName = 'Bo Given'")
    entry = _entry_of(books, str(a.Id))
    for line in entry.Line or []:
        detail = line.JournalEntryLineDetail
        assert detail and detail.Entity and detail.Entity.EntityRef
        detail.Entity.EntityRef.value = str(b.Id)
    books.call(lambda qb: qb.update(books.realm, entry))
    books.run()
    rows = {r["record"]["id"]: r for r in _open(firm, "trust_client_balance")}
    assert set(rows) == {ada["id"], bo["id"]}
    assert "Missing in QuickBooks" in rows[ada["id"]]["detail"]
    assert "Only in QuickBooks" in rows[bo["id"]]["detail"]
    # The account's totals still agree.
    assert _open(firm, "trust_account_balance") == []


def test_an_invoice_edited_in_quickbooks_differs_from_its_bill(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    (item, *_) = books.query(Item)
    mappings = {k: str(item.Id) for k in ("activity:default", "expense:default", "tax1", "tax2")}
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": mappings})
    _c, _m, bill = builders.billed_client(firm)
    books.run()
    assert _open(firm, "invoice_balance") == []
    (invoice,) = books.query(Invoice)
    first = (invoice.Line or [])[0]
    assert first.SalesItemLineDetail is not None
    first.SalesItemLineDetail.Qty = Decimal(str(first.SalesItemLineDetail.Qty or 1)) + 1
    price = Decimal(str(first.SalesItemLineDetail.UnitPrice or 0))
    first.Amount = Decimal(str(first.Amount)) + price
    books.call(lambda qb: qb.update(books.realm, invoice))
    books.run()
    (row,) = _open(firm, "invoice_balance")
    assert row["record"]["id"] == bill["id"]
    assert f"Bill {bill['number']}" in row["message"] and "in QuickBooks" in row["message"]
    assert row["title"] == "A bill's invoice in QuickBooks has another total or balance"


def test_the_comparison_takes_a_handful_of_requests_for_many_clients(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    ids = builders.many_clients(firm, 60)
    for client_id in ids:
        builders.deposit(firm, books.account_id, client_id, "10.00")
    books.run()
    report = books.run()  # nothing left to send: the pass is the comparison
    assert report.compared is not None
    assert report.compared.clients_compared == 60 and report.compared.differences == 0
    assert report.compared.requests <= 4, report.compared.requests


def test_movements_not_sent_yet_are_waiting_not_drift(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    ada = builders.client(firm, first_name="Ada", last_name="Waiting")
    builders.deposit(firm, books.account_id, ada["id"], "40.00")
    books.run()
    builders.deposit(firm, books.account_id, ada["id"], "2.50")

    async def compare_only(qb: Any) -> Any:
        from lawsync.sync import context, trust_drift

        ctx = context.load(firm.ledger, firm.id, qb)
        assert not isinstance(ctx, context.NotStarted)
        await context.prepare(ctx)
        return await trust_drift.compare(ctx)

    found = books.call(compare_only)  # as if the pass had stopped before the new deposit
    assert (found.differences, found.waiting) == (0, 1)
    assert _open(firm, "trust_client_balance") == [] == _open(firm, "trust_account_balance")


def test_a_foreign_currency_trust_account_is_compared_in_its_own_currency(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    """A EUR trust account in a USD company: QuickBooks converts every posting to dollars (its
    balances and its GeneralLedger report), the euros stand on the journal lines."""
    realm = str(9_300_000_000_000_000 + secrets.randbelow(10**15))
    made = control.post(
        "/_sandbox/companies",
        json={"name": "Euro LLP", "realm_id": realm, "multicurrency": True},
    )
    assert made.status_code == 201, made.text
    connect(firm, control, realm)
    books = TrustBooks(firm, control, server_url, realm, 0, "", "")

    async def setup(qb: Any) -> tuple[str, str]:
        await qb.request(realm, "POST", "companycurrency", body={"Code": "EUR"})
        await qb.request(
            realm,
            "POST",
            "exchangerate",
            body={"SourceCurrencyCode": "EUR", "Rate": "1.10", "AsOfDate": "2020-01-01"},
        )
        euro = {"value": "EUR"}
        bank = await qb.create(
            realm, Account(Name="Euro Trust Bank", AccountType="Bank", CurrencyRef=euro)
        )
        owed = await qb.create(
            realm,
            Account(
                Name="Euro Owed to Clients",
                AccountType="Other Current Liability",
                CurrencyRef=euro,
            ),
        )
        return str(bank.Id), str(owed.Id)

    books.bank, books.liability = books.call(setup)
    books.account_id = firm.post(
        "/client-funds-accounts", {"name": "Euro trust", "currency": "EUR"}
    )["id"]
    firm.put(
        "/quickbooks/settings",
        {
            "export_client_funds": True,
            "client_funds_accounts": [
                {
                    "account_id": books.account_id,
                    "bank_account": books.bank,
                    "liability_account": books.liability,
                }
            ],
        },
    )
    ada = builders.client(firm, first_name="Ada", last_name="Euro")
    builders.deposit(firm, books.account_id, ada["id"], "700.00")
    builders.disburse(firm, books.account_id, ada["id"], "100.00", method="eft")
    report = books.run()
    assert _open(firm, "client_funds_entry") == []
    # In dollars QuickBooks holds 660.00 (600.00 at 1.10): compared in euros, nothing differs.
    assert books.balance(books.bank) == Decimal("660.00")
    assert report.compared is not None and report.compared.differences == 0
    assert report.compared.clients_compared == 1
    assert _open(firm, "trust_account_balance") == [] == _open(firm, "trust_client_balance")

    # An edit in QuickBooks is still caught, and told in euros: 700 becomes 650.
    (customer,) = books.query(Customer, "DisplayName = 'Ada Euro'")
    assert customer.CurrencyRef is not None and customer.CurrencyRef.value == "EUR"
    entry = next(
        e for e in books.query(JournalEntry) if Decimal(str((e.Line or [])[0].Amount)) == 700
    )
    for line in entry.Line or []:
        line.Amount = Decimal("650.00")
    books.call(lambda qb: qb.update(books.realm, entry))
    report = books.run()
    assert report.compared is not None and report.compared.differences == 2
    (row,) = _open(firm, "trust_client_balance")
    assert "600.00 in the ledger but 550.00 in QuickBooks" in row["message"]
    (account_row,) = _open(firm, "trust_account_balance")
    assert "holds 600.00 in the ledger" in account_row["message"]
    assert "the trust bank account holds 550.00" in account_row["message"]
