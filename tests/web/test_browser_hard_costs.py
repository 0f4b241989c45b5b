"""Hard costs from QuickBooks, in a real browser: the import turned on in the settings with the
company's expense account from a drop-down, a cheque written in the sandbox company appearing on
its client's matter marked "from QuickBooks", and a cost of a client with two matters waiting on
the Sync failures page until a matter is chosen there."""

from __future__ import annotations

from typing import Any

from lawsync.quickbooks import Account, Customer, Purchase, Vendor
from tests import builders
from tests.conftest import Firm
from tests.web.browser import with_password
from tests.web.playwright_support import (
    in_quickbooks,
    into_quickbooks,
    look,
    ready_to_sync,
    sign_in,
    sync_now,
)


def _cheque(firm: Firm, server_url: str, vendor: str, account: str, lines: list[Any]) -> None:
    bank = in_quickbooks(firm, server_url, Account, "AccountSubType = 'Checking'")[0]
    into_quickbooks(
        firm,
        server_url,
        Purchase(
            PaymentType="Check",
            AccountRef={"value": str(bank.Id)},  # type: ignore[arg-type]
            EntityRef={"value": vendor, "type": "Vendor"},  # type: ignore[arg-type]
            TxnDate="2026-03-05",
            Line=[  # type: ignore[arg-type]
                {
                    "Amount": amount,
                    "Description": words,
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {
                        "AccountRef": {"value": account},
                        "CustomerRef": {"value": customer},
                    },
                }
                for customer, amount, words in lines
            ],
        ),
    )


def _customer(firm: Firm, server_url: str, name: str) -> str:
    found = [c for c in in_quickbooks(firm, server_url, Customer) if c.DisplayName == name]
    assert found, name
    return str(found[0].Id)


def test_a_cheque_written_in_quickbooks_appears_on_its_matter(
    page: Any, firm: Firm, server_url: str
) -> None:
    ready_to_sync(firm, server_url)
    firm.patch("/bill-settings", {"hard_soft_costs_enabled": True})
    account = into_quickbooks(
        firm, server_url, Account(Name="Reimbursable Expenses", AccountType="Expense")
    )
    vendor = into_quickbooks(firm, server_url, Vendor(DisplayName="Metro Court Couriers"))
    client = builders.client(firm)
    matter = builders.matter(firm, client["id"], description="Lease dispute")
    busy = builders.client(firm)
    first = builders.matter(firm, busy["id"], description="Estate")
    second = builders.matter(firm, busy["id"], description="Trademark")

    sign_in(page, server_url, with_password(firm))
    page.goto(server_url + "/settings/quickbooks")
    page.check("input[name=import_hard_costs]")
    page.fill("#hard_costs_start_date", "2026-03-01")
    page.select_option("#hard_costs_account", label="Reimbursable Expenses")
    look(page, "settings-hard-costs")
    page.click("button:has-text('Save the settings')")
    page.wait_for_selector("text=Settings saved.")
    saved = firm.get("/quickbooks/settings")
    assert saved["import_hard_costs"] is True and saved["hard_costs_account"] == account.Id

    said = sync_now(page, server_url)  # both clients have an open matter: sent as customers
    assert "0 failed" in said, said
    _cheque(
        firm,
        server_url,
        str(vendor.Id),
        str(account.Id),
        [
            (_customer(firm, server_url, client["display_name"]), "86.40", "Courier to the court"),
            (_customer(firm, server_url, client["display_name"]), "12.00", "Parking"),
            (_customer(firm, server_url, busy["display_name"]), "240.00", "Search fees"),
        ],
    )
    sync_now(page, server_url)

    page.goto(f"{server_url}/matters/{matter['id']}")
    rows = page.wait_for_selector("table:has(th:has-text('Price'))").inner_text()
    assert "Courier to the court" in rows and "Parking" in rows  # one entry per cheque line
    assert rows.count("from QuickBooks") == 2 and "Metro Court Couriers" in rows
    assert "86.40" in rows
    look(page, "matter-hard-costs")

    page.goto(server_url + "/settings/quickbooks/failures")
    row = page.wait_for_selector("tr:has-text('Which matter is this hard cost for?')")
    assert "240.00" in row.inner_text() and row.query_selector("button:has-text('Retry')")
    look(page, "failures-which-matter")
    row.query_selector("select").select_option(str(second["id"]))  # type: ignore[union-attr]
    row.query_selector("button:has-text('Import onto this matter')").click()  # type: ignore[union-attr]
    page.wait_for_selector("text=is now an expense entry on the matter chosen")
    page.wait_for_selector("text=No failures.")
    page.goto(f"{server_url}/matters/{second['id']}")
    assert "Search fees" in page.inner_text("main")
    page.goto(f"{server_url}/matters/{first['id']}")
    assert "Search fees" not in page.inner_text("main")
