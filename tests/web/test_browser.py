"""The web app in a real browser: a bookkeeper connects the sandbox company, maps products,
syncs, and sees the invoice arrive; every page visited is screenshotted and checked by axe-core."""

from __future__ import annotations

from typing import Any

import httpx

from lawsync.quickbooks import Invoice
from tests import builders
from tests.conftest import SANDBOX_CONTROL, Firm
from tests.sync.connect_support import new_realm
from tests.web.browser import PASSWORD, with_password
from tests.web.playwright_support import in_quickbooks, look


def test_connect_map_sync_in_the_browser(page: Any, firm: Firm, server_url: str) -> None:
    email = with_password(firm)
    page.goto(server_url + "/")
    look(page, "login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(server_url + "/")
    look(page, "dashboard-not-connected")

    page.goto(server_url + "/settings/quickbooks")
    page.click("button:has-text('Connect to QuickBooks')")
    page.wait_for_selector("text=wants to connect to your company")
    # A company by a realm id no other sandbox of this run gave out (they all number from one
    # first id, and the test database is shared), chosen on the consent page.
    with httpx.Client(base_url=f"{server_url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        realm = new_realm(control)  # named "plus US LLP"
    page.reload()
    page.check(f"input[value='{realm}']")
    page.click("button[value=connect]")
    page.wait_for_url("**/quickbooks/callback?**")
    body = page.inner_text("body")
    assert f"connected to plus US LLP (company {realm})" in body, body

    page.goto(server_url + "/settings/quickbooks")
    page.wait_for_selector("ul.checks")  # the readiness check ran
    for select in page.query_selector_all("select[name^='map:']"):
        select.select_option(index=1)
    page.check("input[name=export_bills]")
    look(page, "quickbooks-settings")
    page.click("button:has-text('Save the settings')")
    page.wait_for_selector("text=Settings saved.")

    _, _, bill = builders.billed_client(firm)
    page.goto(server_url + "/preview")
    page.wait_for_selector("text=What the next sync would send")
    look(page, "preview")
    page.goto(server_url + "/")
    page.click("button:has-text('Sync now')")
    page.wait_for_selector("text=Sync finished", timeout=60_000)
    page.wait_for_selector("#standing td:has-text('Bill') + td:has-text('0')")  # counts refreshed
    look(page, "dashboard-synced")
    numbers = [i.DocNumber for i in in_quickbooks(firm, server_url, Invoice)]
    assert bill["number"] in numbers

    page.goto(server_url + "/settings/quickbooks/failures")
    look(page, "failures-empty")
    page.click("button:has-text('Sign out')")
    page.wait_for_url(server_url + "/login")
