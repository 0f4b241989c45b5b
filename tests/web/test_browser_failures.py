"""A refusal from QuickBooks, followed in a real browser: it shows on the Sync Failures page and
on the record's own page, the record is fixed in its form, Retry sends it again, and the
failure is cleared into the history."""

from __future__ import annotations

from typing import Any

from lawsync.quickbooks import Customer, Invoice, Vendor
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


def test_a_refused_client_is_fixed_from_its_failure_and_retried(
    page: Any, firm: Firm, server_url: str
) -> None:
    ready_to_sync(firm, server_url)
    client, _, bill = builders.billed_client(firm)
    name = client["display_name"]
    # Someone in QuickBooks already has the client's name, as a supplier: QuickBooks says 6240.
    into_quickbooks(firm, server_url, Vendor(DisplayName=name))
    sign_in(page, server_url, with_password(firm))
    said = sync_now(page, server_url)
    assert "0 synced, 1 failed" in said, said
    page.wait_for_selector("#standing td:has-text('Contact') ~ td a:has-text('1')")
    latest = page.wait_for_selector("#latest ul").inner_text()  # refreshed with the counts
    assert f"Contact {client['id']}" in latest and "6240" in latest

    page.click("#sync-run a:has-text('See the failures')")
    page.wait_for_url("**/settings/quickbooks/failures")
    [row] = page.query_selector_all("tbody tr")
    failure_id = str(row.get_attribute("id")).removeprefix("failure-")
    text = row.inner_text()
    assert "6240 Duplicate Name Exists Error" in text and "already has this name" in text
    look(page, "failures")

    page.click(f"#failure-{failure_id} a:has-text('Contact {client['id']}')")
    page.wait_for_url(f"{server_url}/contacts/{client['id']}")
    assert page.inner_text("h1 .badge.failed") == "failed · 6240"
    assert "6240" in page.inner_text("main .error[role=note]")
    look(page, "contact-failed")

    page.click("a[role=button]:has-text('Edit')")
    page.wait_for_url(f"{server_url}/contacts/{client['id']}/edit")
    page.get_by_label("Last name", exact=True).fill(client["last_name"] + " Junior")
    page.click("button:has-text('Save contact')")
    page.wait_for_selector("text=Contact saved.")
    fixed = f"{client['first_name']} {client['last_name']} Junior"
    assert page.inner_text("main h1").startswith(fixed)

    page.click("a:has-text('cause, fix and Retry')")  # the failure is open until it is sent
    page.wait_for_url(f"**/settings/quickbooks/failures#failure-{failure_id}")
    page.click(f"#failure-{failure_id} button:has-text('Retry')")
    page.wait_for_selector(f"text=Retry asked for contact {client['id']}")
    said = sync_now(page, server_url)
    assert "2 synced, 0 failed" in said, said  # the customer, then the bill that waited for it

    page.goto(server_url + "/settings/quickbooks/failures")
    page.wait_for_selector("text=No failures.")
    page.check("input[name=history]")
    page.click("button:has-text('Show')")
    page.wait_for_url("**history=1**")
    cleared = page.wait_for_selector(f"#failure-{failure_id}")
    assert "cleared" in cleared.inner_text() and cleared.query_selector("button") is None
    look(page, "failures-history")

    page.goto(f"{server_url}/contacts/{client['id']}")
    assert page.inner_text("h1 .badge.synced").startswith("synced")
    customers = [c.DisplayName for c in in_quickbooks(firm, server_url, Customer)]
    assert customers == [fixed]
    invoices = in_quickbooks(firm, server_url, Invoice)
    assert [i.DocNumber for i in invoices] == [bill["number"]]
