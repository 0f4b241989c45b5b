"""The client funds section of the QuickBooks settings page: the export turned on, each trust
account mapped to the company's own bank and liability accounts from drop-downs, a mapping that
cannot hold trust money refused beside its drop-down with nothing saved."""

from __future__ import annotations

from typing import Any

import httpx

from lawsync.quickbooks import Account
from tests.conftest import Firm
from tests.sync.client_funds_support import trust_books
from tests.web.browser import Browser, with_password

PATH = "/settings/quickbooks"


def test_trust_accounts_are_mapped_from_the_companys_accounts(
    firm: Firm, control: httpx.Client, server_url: str, browser: Browser
) -> None:
    books = trust_books(firm, control, server_url)
    second = firm.post("/client-funds-accounts", {"name": "Estates trust"})["id"]
    browser.sign_in(with_password(firm))
    page = browser.page(PATH)
    assert "Client funds" in page and "IOLTA Bank" in page and "IOLTA Owed to Clients" in page
    assert f'<option value="{books.bank}" selected>' in page  # the saved mapping shown
    assert "Estates trust" in page

    async def accounts(qb: Any) -> tuple[str, str]:
        bank = await qb.create(books.realm, Account(Name="Estates Bank", AccountType="Bank"))
        owed = await qb.create(
            books.realm, Account(Name="Estates Owed", AccountType="Other Current Liability")
        )
        return str(bank.Id), str(owed.Id)

    bank, owed = books.call(accounts)
    form = {
        "export_client_funds": "on",
        "cheque_printing": "on",
        "journal_prefix": "TR",
        f"trust:{books.account_id}:bank_account": books.bank,
        f"trust:{books.account_id}:liability_account": books.liability,
        f"trust:{second}:bank_account": bank,
        f"trust:{second}:liability_account": owed,
    }
    r = browser.submit(PATH, form, from_page=PATH)
    assert r.status_code == 303, r.text[:500]
    saved = firm.get("/quickbooks/settings")
    assert saved["cheque_printing"] is True and saved["journal_prefix"] == "TR"
    assert {m["account_id"]: m["bank_account"] for m in saved["client_funds_accounts"]} == {
        books.account_id: books.bank,
        second: bank,
    }


def test_one_account_for_both_sides_is_refused_beside_the_second(
    firm: Firm, control: httpx.Client, server_url: str, browser: Browser
) -> None:
    books = trust_books(firm, control, server_url)
    browser.sign_in(with_password(firm))
    key = f"trust:{books.account_id}:liability_account"
    form = {
        "export_client_funds": "on",
        f"trust:{books.account_id}:bank_account": books.liability,
        key: books.liability,
    }
    r = browser.submit(PATH, form, from_page=PATH)
    assert r.status_code == 422
    assert f'id="{key}-error"' in r.text and "must be two accounts" in r.text
    assert (
        firm.get("/quickbooks/settings")["client_funds_accounts"][0]["bank_account"] == books.bank
    )


def test_a_row_with_only_one_side_chosen_is_refused_beside_the_other(
    firm: Firm, control: httpx.Client, server_url: str, browser: Browser
) -> None:
    books = trust_books(firm, control, server_url)
    browser.sign_in(with_password(firm))
    form = {f"trust:{books.account_id}:bank_account": books.bank}
    r = browser.submit(PATH, form, from_page=PATH)
    assert r.status_code == 422
    assert f'id="trust:{books.account_id}:liability_account-error"' in r.text


def test_a_liability_chosen_as_the_bank_is_refused_for_its_type(
    firm: Firm, control: httpx.Client, server_url: str, browser: Browser
) -> None:
    books = trust_books(firm, control, server_url)
    browser.sign_in(with_password(firm))
    key = f"trust:{books.account_id}:bank_account"
    form = {key: books.liability, f"trust:{books.account_id}:liability_account": books.bank}
    r = browser.submit(PATH, form, from_page=PATH)
    assert r.status_code == 422
    assert f'id="{key}-error"' in r.text and "not Bank" in r.text


def test_the_reconciliation_page_sets_both_sides_side_by_side(
    firm: Firm, control: httpx.Client, server_url: str, browser: Browser
) -> None:
    books = trust_books(firm, control, server_url)
    client = firm.post("/contacts", {"kind": "person", "first_name": "Rae", "last_name": "Moss"})
    firm.post(
        "/client-funds-transactions",
        {
            "kind": "deposit",
            "account_id": books.account_id,
            "client_id": client["id"],
            "amount": "120.00",
            "date": "2026-03-02",
        },
    )
    books.sync()
    browser.sign_in(with_password(firm))
    account = browser.page(f"/client-funds/{books.account_id}")
    assert f'href="/client-funds/{books.account_id}/reconciliation"' in account
    assert "synced · QuickBooks id" in account  # the deposit's journal entry
    page = browser.page(f"/client-funds/{books.account_id}/reconciliation")
    assert "in agreement" in page and "Rae Moss" in page and 'class="differs"' not in page
    firm.post(
        "/client-funds-transactions",
        {
            "kind": "deposit",
            "account_id": books.account_id,
            "client_id": client["id"],
            "amount": "5.00",
            "date": "2026-03-03",
        },
    )
    page = browser.page(f"/client-funds/{books.account_id}/reconciliation")
    assert "differences marked below" in page and page.count('class="differs"') == 3


def test_an_unmapped_account_says_where_to_map_it(
    firm: Firm, control: httpx.Client, server_url: str, browser: Browser
) -> None:
    trust_books(firm, control, server_url)
    unmapped = firm.post("/client-funds-accounts", {"name": "Unmapped trust"})["id"]
    browser.sign_in(with_password(firm))
    page = browser.page(f"/client-funds/{unmapped}/reconciliation")
    assert "not mapped" in page and 'href="/settings/quickbooks#client-funds"' in page
