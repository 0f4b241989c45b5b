"""The trust records in a real browser: the index, each record's page with its figures, the
downloads, and the report set chosen in the firm's settings."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests import builders
from tests.conftest import Firm
from tests.reports.test_trust_records import books
from tests.web.browser import with_password
from tests.web.playwright_support import look, sign_in


def _figure(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("$", "").strip() or "0")


def test_each_record_has_a_page_that_passes_axe_and_downloads(
    page: Any, firm: Firm, server_url: str, tmp_path: Path
) -> None:
    b = books(firm)
    sign_in(page, server_url, with_password(firm))
    page.click("nav a:has-text('Reports')")
    page.wait_for_url("**/reports/")
    look(page, "reports-index")
    page.click("main a:has-text('Trust account journal')")
    page.wait_for_url("**/reports/trust-journal")
    page.fill("#from", "2026-01-01")
    page.fill("#to", "2026-01-31")
    page.click("button:has-text('Show the record')")
    page.wait_for_selector("dd:has-text('from 2026-01-01 to 2026-01-31')")
    look(page, "record-trust-journal")
    balances = page.eval_on_selector_all(
        "table.record tbody tr:not(.total) td:last-child", "t => t.map(x => x.innerText)"
    )
    assert [_figure(x) for x in balances] == [
        Decimal("1000.00"),
        Decimal("1200.10"),
        Decimal("1533.43"),
        Decimal("1583.43"),
        Decimal("1463.38"),
    ]
    with page.expect_download() as download:
        page.click("a:has-text('Download as PDF')")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert (
        saved.name == f"trust-journal_account_id-{b['account']}_from-2026-01-01_to-2026-01-31.pdf"
    )

    for record, shot in (
        ("client-trust-ledger", "record-client-trust-ledger"),
        ("client-trust-listing", "record-client-trust-listing"),
        ("exceptions", "record-exceptions"),
        ("audit-log", "record-audit-log"),
    ):
        page.goto(f"{server_url}/reports/{record}?account_id={b['account']}&as_of=2026-02-28")
        page.wait_for_selector("#record-h")
        look(page, shot)


def test_a_bad_date_is_shown_beside_its_field(page: Any, firm: Firm, server_url: str) -> None:
    builders.trust_account(firm)
    sign_in(page, server_url, with_password(firm))
    page.goto(f"{server_url}/reports/trust-journal?from=2026-03-01&to=2026-02-01")
    page.wait_for_selector("#to-error")
    assert "ends before it starts" in page.inner_text("#to-error")
    look(page, "record-refused")


def test_the_firm_chooses_the_ontario_set(page: Any, firm: Firm, server_url: str) -> None:
    acct = builders.trust_account(firm)
    c = builders.client(firm)
    builders.deposit(firm, acct["id"], c["id"], "75.00", date=dt.date(2026, 4, 1))
    sign_in(page, server_url, with_password(firm))
    page.goto(f"{server_url}/settings/firm")
    page.select_option("#f-trust_rules", "ca-on")
    page.fill("#f-dormant_months", "24")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/settings/firm?said=*")
    look(page, "firm-settings-trust")
    assert firm.get("/firm")["trust_rules"] == "ca-on"
    assert firm.get("/firm")["dormant_months"] == 24
    page.goto(f"{server_url}/reports/")
    assert "by the 25th of the following month" in page.inner_text("main")
    page.goto(f"{server_url}/reports/trust-journal")
    page.wait_for_selector("h1:has-text('Trust receipts and disbursements journal')")
    heads = page.eval_on_selector_all("table.record thead th", "t => t.map(x => x.innerText)")
    assert "Method" in heads and "Identifier" in heads
    look(page, "record-trust-journal-ontario")


def test_a_drift_shows_on_the_dashboard_and_in_the_failures(
    page: Any, firm: Firm, server_url: str, control: Any
) -> None:
    from lawsync.quickbooks import Customer
    from tests.sync.client_funds_support import trust_books
    from tests.sync.test_trust_drift import _entry_of

    def drift() -> None:
        """Synced, then an entry edited in QuickBooks, then synced again (off the page's loop:
        the pass runs its own)."""
        books = trust_books(firm, control, server_url)
        ada = builders.client(firm, first_name="Ada", last_name="Lovelace")
        builders.client(firm)
        builders.deposit(firm, books.account_id, ada["id"], "700.00")
        books.run()
        (customer,) = books.query(Customer, "DisplayName = 'Ada Lovelace'")
        entry = _entry_of(books, str(customer.Id))
        for line in entry.Line or []:
            line.Amount = Decimal("650.00")
        books.call(lambda qb: qb.update(books.realm, entry))
        books.run()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(drift).result()
    sign_in(page, server_url, with_password(firm))
    page.goto(f"{server_url}/")
    page.wait_for_selector("#comparisons tr.differs")
    look(page, "dashboard-trust-drift")
    page.click("#comparisons a:has-text('2')")
    page.wait_for_selector("text=Ada Lovelace's trust balance")
    explained = page.inner_text("ul.explained")
    assert "Different" in explained and "QuickBooks 650.00, ledger 700.00" in explained
    look(page, "failures-trust-drift")
