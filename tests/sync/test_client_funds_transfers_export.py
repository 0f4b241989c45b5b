"""A transfer between two clients of one trust account, to the sandbox: each leg is a journal
entry of its own (money out of one client's ledger, into the other's), so the trust bank account
ends where it was and the liability moves from one customer to the other."""

from __future__ import annotations

from decimal import Decimal

import httpx

from lawsync.quickbooks import Customer, JournalEntry
from tests import builders
from tests.conftest import Firm
from tests.sync.client_funds_support import trust_books


def test_a_transfer_between_clients_posts_its_two_legs_once(
    firm: Firm, control: httpx.Client, server_url: str
) -> None:
    books = trust_books(firm, control, server_url)
    giver, taker = builders.client(firm), builders.client(firm)
    builders.deposit(firm, books.account_id, giver["id"], "800.00")
    transfer = firm.post(
        "/client-funds/transfers",
        {
            "date": "2026-03-05",
            "from_account_id": books.account_id,
            "from_client_id": giver["id"],
            "to_client_id": taker["id"],
            "amount": "300.00",
            "reason": "Share of the estate",
        },
    )
    report = books.sync()
    assert report["kinds"]["client_funds_entry"]["synced"] == 3, report
    customers = {
        c.DisplayName: str(c.Id) for c in books.query(Customer) if c.DisplayName is not None
    }
    entries = {e.DocNumber: e for e in books.query(JournalEntry)}
    out = entries[str(transfer["out_txn_id"])]
    into = entries[str(transfer["in_txn_id"])]

    def lines(entry: JournalEntry) -> set[tuple[str, str, Decimal, str]]:
        found = set()
        for line in entry.Line or []:
            d = line.JournalEntryLineDetail
            assert d is not None and d.Entity is not None and d.Entity.EntityRef is not None
            found.add(
                (
                    d.PostingType,
                    d.AccountRef.value,
                    Decimal(line.Amount or 0),
                    d.Entity.EntityRef.value,
                )
            )
        return found

    g, t = customers[giver["display_name"]], customers[taker["display_name"]]
    amount = Decimal("300.00")
    assert lines(out) == {("Debit", books.liability, amount, g), ("Credit", books.bank, amount, g)}
    assert lines(into) == {("Debit", books.bank, amount, t), ("Credit", books.liability, amount, t)}
    assert "Share of the estate" in (out.Line or [])[0].Description  # type: ignore[operator]
    assert books.balance(books.bank) == books.ledger_balance() == Decimal("800.00")
    assert books.balance(books.liability) == Decimal("800.00")
    assert books.sync()["kinds"]["client_funds_entry"]["synced"] == 0
