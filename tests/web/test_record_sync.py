"""Each record's page tells its sync story: the badge links to the copy as QuickBooks holds it
now, and the history lists what was sent, what came back, and QuickBooks' request id."""

from __future__ import annotations

import re

import httpx

from lawsync.sync.kinds import Kind
from tests import builders
from tests.conftest import Firm
from tests.sync.connect_support import connect, new_realm
from tests.web.browser import Browser, connected, refused, with_password

MAPPINGS = {k: "1" for k in ("activity:default", "expense:default", "tax1", "tax2")}


def _synced_bill(firm: Firm, control: httpx.Client) -> tuple[dict, dict]:
    """A bill and its client, sent to a sandbox company of the firm's own by one pass."""
    connect(firm, control, new_realm(control))
    firm.put("/quickbooks/settings", {"export_bills": True, "item_mappings": MAPPINGS})
    client, _, bill = builders.billed_client(firm)
    report = firm.post("/quickbooks/sync", None, 200)
    assert report["kinds"]["bill"]["synced"] == 1, report
    return client, bill


def test_a_synced_bill_shows_its_history_and_links_to_its_copy(
    firm: Firm, control: httpx.Client, browser: Browser
) -> None:
    _, bill = _synced_bill(firm, control)
    browser.sign_in(with_password(firm))
    page = browser.page(f"/bills/{bill['id']}")
    assert f'href="/quickbooks/records/bill/{bill["id"]}"' in page
    assert "Sync history" in page and "create of revision" in page and "accepted · id" in page
    history = page.split("Sync history")[1]
    assert "What was sent" in history and bill["number"] in history
    tid = re.search(r"<td><code>([^<]+)</code></td>", history)  # QuickBooks' request id
    assert tid and tid.group(1).strip(), history[:2000]

    copy = browser.page(f"/quickbooks/records/bill/{bill['id']}")
    assert "as QuickBooks holds it" in copy
    assert f"<dt>DocNumber</dt><dd>{bill['number']}</dd>" in copy
    total = re.search(r"<dt>TotalAmt</dt><dd>([^<]*)</dd>", copy)
    assert total and bill["total"] in total.group(1), bill["total"]
    assert "Open it in QuickBooks" not in copy  # the bundled sandbox has no web app of its own
    assert f'href="/bills/{bill["id"]}"' in copy


def test_the_copy_is_read_now_so_a_change_made_in_quickbooks_shows(
    firm: Firm, control: httpx.Client, browser: Browser
) -> None:
    client, _ = _synced_bill(firm, control)
    browser.sign_in(with_password(firm))
    page = browser.page(f"/contacts/{client['id']}")
    assert f'href="/quickbooks/records/contact/{client["id"]}"' in page
    copy = browser.page(f"/quickbooks/records/contact/{client['id']}")
    assert f"<dt>DisplayName</dt><dd>{client['display_name']}</dd>" in copy


def test_a_record_never_sent_has_no_copy_and_says_what_happens_next(
    firm: Firm, control: httpx.Client, browser: Browser
) -> None:
    connect(firm, control, new_realm(control))
    person = builders.client(firm)
    browser.sign_in(with_password(firm))
    page = browser.page(f"/contacts/{person['id']}")
    assert "Nothing has been sent to QuickBooks about this record yet" in page
    r = browser.get(f"/quickbooks/records/contact/{person['id']}")
    assert r.status_code == 404 and "no copy in QuickBooks yet" in r.text


def test_a_refused_record_links_from_the_failures_table_to_its_page(
    firm: Firm, browser: Browser
) -> None:
    connection_id = connected(firm)
    person = builders.client(firm)
    refused(firm, connection_id, person["id"])
    browser.sign_in(with_password(firm))
    table = browser.page("/settings/quickbooks/failures")
    assert f'<a href="/contacts/{person["id"]}">Contact {person["id"]}</a>' in table
    assert "failed · 6240" in browser.page(f"/contacts/{person['id']}")


def test_another_firms_record_and_unknown_kinds_are_not_found(
    firm: Firm, other_firm: Firm, control: httpx.Client, browser: Browser
) -> None:
    _, bill = _synced_bill(firm, control)
    browser.sign_in(with_password(other_firm))
    assert browser.get(f"/quickbooks/records/bill/{bill['id']}").status_code == 404
    assert browser.get(f"/quickbooks/records/{Kind.BILL}x/1").status_code == 404
    assert browser.get("/quickbooks/records/bill/99999999999999999999").status_code == 404


def test_the_copy_page_asks_for_sign_in(server_url: str) -> None:
    r = httpx.get(f"{server_url}/quickbooks/records/bill/1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
