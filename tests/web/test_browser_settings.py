"""The QuickBooks page in a real browser: connecting through the consent page, disconnecting
after its confirmation, reconnecting to the same company, and choosing products per category."""

from __future__ import annotations

from typing import Any

import httpx

from lawsync.quickbooks import Customer, Invoice, Item
from tests import builders
from tests.conftest import SANDBOX_CONTROL, Firm
from tests.sync.connect_support import connect, new_realm
from tests.web.browser import with_password
from tests.web.playwright_support import (
    accessible,
    choose_company,
    in_quickbooks,
    look,
    new_company,
    sign_in,
    sync_now,
)


def test_connect_disconnect_and_reconnect_to_the_same_company_resumes(
    page: Any, firm: Firm, server_url: str
) -> None:
    realm = new_company(server_url)
    sign_in(page, server_url, with_password(firm))
    page.goto(server_url + "/settings/quickbooks")
    page.click("button:has-text('Connect to QuickBooks')")
    page.wait_for_selector("text=wants to connect to your company")
    accessible(page, "consent")  # the sandbox's stand-in for QuickBooks' page, every company
    choose_company(page, realm)
    look(page, "connected")
    page.click("a:has-text('Back to the QuickBooks settings')")
    page.wait_for_selector("#company + p .badge.connected")
    items = {i.Name: i.Id for i in in_quickbooks(firm, server_url, Item)}
    firm.put(
        "/quickbooks/settings",
        {"export_bills": True, "item_mappings": {"activity:default": items["Legal Services"]}},
    )
    _, _, first = builders.billed_client(firm)
    assert "Sync finished: 2 synced, 0 failed" in sync_now(page, server_url)  # customer, bill

    page.goto(server_url + "/settings/quickbooks")
    page.click("a:has-text('Disconnect…')")
    page.wait_for_url("**/settings/quickbooks/disconnect")
    assert "plus US LLP" in page.inner_text("main")
    look(page, "disconnect")
    page.click("button:has-text('Yes, disconnect')")
    page.wait_for_selector("text=Disconnected. Links are kept for a reconnect.")
    assert page.query_selector("a:has-text('Disconnect…')") is None
    page.goto(server_url + "/")
    badge = page.wait_for_selector("main article h2 .badge")
    assert badge.inner_text() == "disconnected" and "disconnected" in str(
        badge.get_attribute("class")
    )
    assert page.query_selector("button:has-text('Sync now')") is None
    look(page, "dashboard-disconnected")
    page.click("main article a:has-text('Go to QuickBooks settings')")  # the way back

    # Work goes on while disconnected; reconnecting to the same company sends only that.
    _, _, second = builders.billed_client(firm)
    page.wait_for_url(server_url + "/settings/quickbooks")
    page.click("button:has-text('Reconnect to QuickBooks')")
    choose_company(page, realm)
    page.goto(server_url + "/")
    page.wait_for_selector("main article h2 .badge.connected")
    assert page.query_selector("text=Previous companies") is None  # the same company, resumed
    assert "Sync finished: 2 synced, 0 failed" in sync_now(page, server_url)
    numbers = sorted(i.DocNumber or "" for i in in_quickbooks(firm, server_url, Invoice))
    assert numbers == sorted([first["number"], second["number"]])  # the first one not twice
    assert len(in_quickbooks(firm, server_url, Customer)) == 2


def test_products_chosen_per_category_are_kept_and_an_unchosen_one_is_flagged(
    page: Any, firm: Firm, server_url: str
) -> None:
    litigation = firm.post("/activity-categories", {"name": "Litigation"})
    drafting = firm.post("/activity-categories", {"name": "Drafting"})
    courier = firm.post("/expense-categories", {"name": "Courier"})
    with httpx.Client(base_url=f"{server_url}/qbo", headers=SANDBOX_CONTROL, timeout=30) as control:
        connect(firm, control, new_realm(control))
    items = {i.Name: i.Id for i in in_quickbooks(firm, server_url, Item)}
    chosen = {
        "activity:default": "Services",
        f"activity:{litigation['id']}": "Legal Services",
        f"activity:{drafting['id']}": "Services",
        "expense:default": "Disbursements",
        "credit": "Legal Services",
    }
    sign_in(page, server_url, with_password(firm))
    page.goto(server_url + "/settings/quickbooks")
    page.wait_for_selector("ul.checks")  # the readiness check ran
    assert "No product or service is chosen yet" in page.inner_text("#readiness")
    for key, name in chosen.items():
        page.select_option(f"select[name='map:{key}']", label=name)
    page.click("button:has-text('Save the settings')")
    page.wait_for_selector("text=Settings saved.")

    page.reload()
    page.wait_for_selector("ul.checks")
    assert "Every mapping points at an active product" in page.inner_text("#readiness")
    shown = {
        select.get_attribute("name").removeprefix("map:"): select.evaluate(
            "s => s.selectedOptions[0].textContent"
        )
        for select in page.query_selector_all("select[name^='map:']")
    }
    unchosen = {k for k, v in shown.items() if v == "— not chosen —"}
    assert {k: v for k, v in shown.items() if k not in unchosen} == chosen
    assert unchosen == {f"expense:{courier['id']}", "tax1", "tax2", "interest"}
    for key in unchosen:  # each says it is not chosen, beside its drop-down
        note = page.eval_on_selector(
            f"select[name='map:{key}']",
            "s => document.getElementById(s.getAttribute('aria-describedby')).textContent",
        )
        assert "Not chosen yet" in note, key
    for key in chosen:
        assert page.get_attribute(f"select[name='map:{key}']", "aria-describedby") is None
    look(page, "quickbooks-settings-products")
    saved = firm.get("/quickbooks/settings")["item_mappings"]
    assert saved == {key: items[name] for key, name in chosen.items()}

    # A choice taken back is no longer kept, and is flagged again.
    page.goto(server_url + "/settings/quickbooks")
    page.select_option(f"select[name='map:activity:{drafting['id']}']", value="")
    page.click("button:has-text('Save the settings')")
    page.wait_for_url("**/settings/quickbooks?said=Settings+saved.")
    select = f"select[name='map:activity:{drafting['id']}']"
    assert page.eval_on_selector(select, "s => s.value") == ""
    assert page.get_attribute(select, "aria-describedby") is not None
    assert f"activity:{drafting['id']}" not in firm.get("/quickbooks/settings")["item_mappings"]
