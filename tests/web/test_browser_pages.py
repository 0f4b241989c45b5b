"""Every page a bookkeeper works in, opened in a real browser the way they reach it: each is
screenshotted and held to axe-core (`look`), and a form on each kind of page is used."""

from __future__ import annotations

import json
import re
from typing import Any

from tests import builders
from tests.conftest import Firm
from tests.web.browser import with_password
from tests.web.playwright_support import look, ready_to_sync, sign_in


def _at(page: Any, heading: str, name: str) -> None:
    """Wait for the page with this heading; screenshot it and check it with axe-core."""
    page.wait_for_selector(f"main h1:has-text({json.dumps(heading)})")
    look(page, name)


def _visit(page: Any, url: str, heading: str, name: str) -> None:
    page.goto(url)
    _at(page, heading, name)


def _id_in(url: str, prefix: str) -> int:
    found = re.search(rf"{prefix}/(\d+)", url)
    assert found, url
    return int(found.group(1))


def test_contacts_matters_time_and_expenses(page: Any, firm: Firm, server_url: str) -> None:
    ready_to_sync(firm, server_url)
    firm.post("/activity-categories", {"name": "Drafting", "default_price": "180"})
    sign_in(page, server_url, with_password(firm))

    page.click("nav a:has-text('Contacts')")
    _at(page, "Contacts", "contacts-empty")
    page.click("a:has-text('New contact')")
    _at(page, "New contact", "contact-new")
    page.check("input[name=kind][value=company]")
    page.get_by_label("Company name (a company)").fill("Harbour & Pike Ltd")
    page.get_by_label("Email 1", exact=True).fill("accounts@harbourpike.example")
    page.get_by_label("City").fill("Halifax")
    page.click("button:has-text('Save contact')")
    page.wait_for_selector("text=Contact saved.")
    _at(page, "Harbour & Pike Ltd", "contact")
    contact_id = _id_in(page.url, "/contacts")
    assert page.inner_text("h1 .badge") == "waiting to sync"
    page.click("a[role=button]:has-text('Edit')")
    _at(page, "Edit Harbour & Pike Ltd", "contact-edit")
    builders.client(firm, first_name="Olu", last_name="Adebayo")
    _visit(page, server_url + "/contacts", "Contacts", "contacts")
    assert page.query_selector(f"a[href='/contacts/{contact_id}']") is not None

    page.goto(f"{server_url}/contacts/{contact_id}")
    page.click("a[role=button]:has-text('New matter for')")
    _at(page, "New matter", "matter-new")
    page.get_by_label("Description", exact=True).fill("Purchase of the harbour warehouse")
    page.click("button:has-text('Open matter')")
    page.wait_for_url(re.compile(r".*/matters/\d+"))
    _at(page, "Matter ", "matter")
    matter_id = _id_in(page.url, "/matters")
    _visit(page, server_url + "/matters", "Matters", "matters")

    page.click("nav a:has-text('Time')")
    _at(page, "Time", "time-empty")
    page.goto(server_url + "/time/new")
    _at(page, "Record time", "time-new")
    page.get_by_label("Matter", exact=True).select_option(str(matter_id))
    page.get_by_label("Date").fill("2026-03-02")
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("Activity category").select_option(label="Drafting")
    page.get_by_label("Description", exact=True).fill("Drafted the purchase agreement")
    page.click("button:has-text('Save time entry')")
    page.wait_for_selector("text=Drafted the purchase agreement")
    assert firm.get("/time-entries")["data"][0]["amount"] == "450.00"  # the category's rate
    _at(page, "Matter ", "time-saved")  # back on its matter's page
    _visit(page, server_url + "/time", "Time", "time")
    entry_id = firm.get("/time-entries")["data"][0]["id"]
    _visit(page, f"{server_url}/time/{entry_id}/edit", "Edit the time entry", "time-edit")
    _visit(page, f"{server_url}/time/{entry_id}/delete", "Delete this time entry?", "time-delete")

    builders.expense(firm, matter_id, quantity="3", unit_price="12.50")
    _visit(page, server_url + "/expenses", "Expenses", "expenses")
    _visit(page, server_url + "/expenses/new", "Record an expense", "expense-new")
    expense_id = firm.get("/expense-entries")["data"][0]["id"]
    _visit(page, f"{server_url}/expenses/{expense_id}/edit", "Edit the expense", "expense-edit")


def test_bills_payments_credit_notes_and_interest(page: Any, firm: Firm, server_url: str) -> None:
    ready_to_sync(firm, server_url)
    client = builders.client(firm, first_name="Mei", last_name="Tanaka")
    matter = builders.matter(firm, client["id"], description="Estate of R. Tanaka")
    builders.time_entry(firm, matter["id"], hours="3", rate="200")
    builders.expense(firm, matter["id"], unit_price="45")
    sign_in(page, server_url, with_password(firm))

    page.click("nav a:has-text('Bills')")
    _at(page, "Bills", "bills-empty")
    page.goto(server_url + "/bills/new")
    _at(page, "Draft a bill", "bill-new")
    page.select_option("#client_id", label="Mei Tanaka")
    page.get_by_label("Issue date (today if empty)").fill("2026-03-02")
    page.click("button:has-text('Draft the bill')")
    page.wait_for_url(re.compile(r".*/bills/\d+"))
    _at(page, "Bill ", "bill-draft")
    bill_id = _id_in(page.url, "/bills")
    page.click("a:has-text('Edit')")
    _at(page, "Edit bill", "bill-edit")
    page.goto(f"{server_url}/bills/{bill_id}")
    page.click("button:has-text('Approve')")
    page.wait_for_selector("h1:has-text('(approved)')")
    _at(page, "(approved)", "bill")
    bill = firm.get(f"/bills/{bill_id}")
    assert bill["total"] == "645.00"
    _visit(page, server_url + "/bills", "Bills", "bills")
    _visit(page, f"{server_url}/bills/{bill_id}/void", "Void bill", "bill-void")

    _visit(page, server_url + "/payments", "Payments", "payments-empty")
    _visit(page, f"{server_url}/payments/new", "Record a payment", "payment-new")
    payment = firm.post(
        "/payments",
        {
            "client_id": client["id"],
            "date": "2026-03-10",
            "amount": "145.00",
            "allocations": [{"bill_id": bill_id, "amount": "145.00"}],
        },
    )
    _visit(page, f"{server_url}/payments/{payment['id']}", "Payment of 145.00", "payment")
    _visit(page, f"{server_url}/payments/{payment['id']}/edit", "Edit the payment", "payment-edit")
    paid = f"{server_url}/payments/{payment['id']}"
    _visit(page, paid + "/delete", "Delete this payment", "payment-delete")
    _visit(page, server_url + "/payments", "Payments", "payments")

    new_note = f"{server_url}/bills/{bill_id}/credit-notes/new"
    _visit(page, new_note, "Add a credit note to bill", "credit-note-new")
    page.get_by_label("Amount").fill("50")
    page.get_by_label("Date").fill("2026-03-20")
    page.get_by_label("Reason").fill("Goodwill")
    page.click("button:has-text('Add the credit note')")
    page.wait_for_url(re.compile(r".*/credit-notes/\d+"))
    _at(page, "Credit note", "credit-note")
    note_id = _id_in(page.url, "/credit-notes")
    _visit(page, server_url + "/credit-notes", "Credit notes", "credit-notes")
    void_note = f"{server_url}/credit-notes/{note_id}/void"
    _visit(page, void_note, "Void credit note", "credit-note-void")

    new_charge = f"{server_url}/bills/{bill_id}/interest-charges/new"
    _visit(page, new_charge, "Charge interest to bill", "interest-charge-new")
    page.get_by_label("Rate (percent of the balance)").fill("1.5")
    page.get_by_label("Charged on").fill("2026-05-01")
    page.click("button:has-text('Charge the interest')")
    page.wait_for_url(re.compile(r".*/interest-charges/\d+"))
    _at(page, "Interest charge", "interest-charge")
    _visit(page, server_url + "/interest-charges", "Interest charges", "interest-charges")
    assert firm.get(f"/bills/{bill_id}")["balance"] == "450.00"  # 645 - 145 paid - 50 credited


def test_client_funds_and_the_readiness_check(page: Any, firm: Firm, server_url: str) -> None:
    sign_in(page, server_url, with_password(firm))
    page.click("nav a:has-text('Client funds')")
    _at(page, "Client funds", "client-funds-empty")
    _visit(page, server_url + "/reports/client-funds-ledger", "Client funds ledger", "report-empty")

    account = builders.trust_account(firm, "IOLTA Trust")
    client = builders.client(firm, first_name="Ines", last_name="Duarte")
    matter = builders.matter(firm, client["id"])
    builders.deposit(firm, account["id"], client["id"], "2000", matter_id=matter["id"])
    paid = builders.disburse(
        firm, account["id"], client["id"], "350", matter_id=matter["id"], cheque_number="101"
    )
    _visit(page, server_url + "/client-funds", "Client funds", "client-funds")
    page.click("a:has-text('IOLTA Trust')")
    _at(page, "IOLTA Trust", "client-funds-account")
    page.select_option("#deposit-client", label="Ines Duarte")
    page.fill("#deposit-amount", "125.25")
    page.click("button:has-text('Record the deposit')")
    page.wait_for_selector("#account-balance:has-text('1,775.25')")
    _visit(
        page,
        f"{server_url}/client-funds/{account['id']}/transactions/{paid['id']}/reverse",
        f"Reverse transaction {paid['id']}",
        "client-funds-reverse",
    )

    ready_to_sync(firm, server_url)
    _visit(
        page,
        server_url + "/settings/quickbooks/readiness",
        "Is QuickBooks ready for the first sync?",
        "readiness",
    )
    assert page.query_selector_all("ul.checks li")
    _visit(page, server_url + "/bills/999999999", "Not found", "error-not-found")
