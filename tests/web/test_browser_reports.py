"""The client funds ledger report in a real browser: the CSV it downloads carries the page's
figures."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests import builders
from tests.conftest import Firm
from tests.web.browser import with_password
from tests.web.playwright_support import look, sign_in

# Each table of the page: its caption, and the amounts and balances of its rows.
READ_TABLES = """() => [...document.querySelectorAll("main table:not(.counts)")].map(t => ({
  caption: t.caption.innerText,
  amounts: [...t.tBodies[0].rows].map(r => r.cells.length === 7 ? r.cells[5].innerText : null)
             .filter(a => a !== null),
  opening: t.tBodies[0].rows[0].cells[1].innerText,
  closing: t.tBodies[0].rows[t.tBodies[0].rows.length - 1].cells[1].innerText,
}))"""


def _figure(text: str) -> Decimal:
    return Decimal(text.replace(",", "").split()[0])


def test_the_downloaded_csv_carries_the_pages_totals(
    page: Any, firm: Firm, server_url: str, tmp_path: Path
) -> None:
    account = builders.trust_account(firm, "Client Trust")
    builders.trust_account(firm, "Another account")  # not the one reported on
    alice = builders.client(firm, first_name="Alice", last_name="Aldous")
    bob = builders.client(firm, first_name="Bob", last_name="Brennan")
    matter = builders.matter(firm, alice["id"])
    builders.deposit(firm, account["id"], alice["id"], "1500.00", matter_id=matter["id"])
    builders.deposit(firm, account["id"], alice["id"], "220.10")
    builders.deposit(firm, account["id"], bob["id"], "1234.56")
    builders.disburse(firm, account["id"], alice["id"], "310.45", matter_id=matter["id"])
    builders.disburse(firm, account["id"], bob["id"], "34.56")

    sign_in(page, server_url, with_password(firm))
    page.click("nav a:has-text('Reports')")
    page.wait_for_url("**/reports/")
    page.click("main a:has-text('Client funds ledger')")
    page.wait_for_url("**/reports/client-funds-ledger")
    page.select_option("#account_id", label="Client Trust (USD)")
    page.fill("#from", "2026-01-01")
    page.fill("#to", "2026-12-31")
    page.click("button:has-text('Show the report')")
    page.wait_for_selector("#report-h:has-text('Client Trust, from 2026-01-01 to 2026-12-31')")
    look(page, "report-client-funds-ledger")
    tables = page.evaluate(READ_TABLES)
    assert len(tables) == 3  # Alice's matter, Alice without one, Bob without one
    closing = _figure(page.inner_text("td[data-total=closing]"))
    opening = _figure(page.inner_text("td[data-total=opening]"))
    assert (opening, closing) == (0, Decimal("2609.65"))
    assert sum(_figure(t["closing"]) for t in tables) == closing

    with page.expect_download() as download:
        page.click("a:has-text('Download as CSV')")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"client-funds-ledger-{account['id']}-2026-01-01-2026-12-31.csv"
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))

    totals = {r["Kind"]: Decimal(r["Balance"]) for r in rows if r["Client"] == "All clients"}
    assert totals == {"Opening balance": opening, "Closing balance": closing}
    for table in tables:  # each client and matter: its rows and its balances
        client, _, where = table["caption"].partition(", ")
        matter_words = where.removeprefix("matter ")
        mine = [r for r in rows if (r["Client"], r["Matter"]) == (client, matter_words)]
        assert [Decimal(r["Amount"]) for r in mine if r["Amount"]] == [
            _figure(a) for a in table["amounts"]
        ], table["caption"]
        assert Decimal(mine[0]["Balance"]) == _figure(table["opening"])
        assert Decimal(mine[-1]["Balance"]) == _figure(table["closing"])
    assert {r["Client"] for r in rows} == {t["caption"].split(",")[0] for t in tables} | {
        "All clients"
    }
    assert sum(Decimal(r["Amount"]) for r in rows if r["Amount"]) == closing
