"""The preview in a real browser: what it lists is what the next pass sends, no more, no less."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from lawsync.quickbooks import Customer, Invoice, Payment
from tests import builders
from tests.conftest import Firm
from tests.web.browser import with_password
from tests.web.playwright_support import in_quickbooks, look, ready_to_sync, sign_in


def _preview_rows(page: Any) -> dict[str, dict[int, tuple[str, Decimal | None]]]:
    """Each kind's planned rows: record id → (what it would do, its amount)."""
    rows: dict[str, dict[int, tuple[str, Decimal | None]]] = {}
    for section in page.query_selector_all("main section"):
        kind = section.query_selector("h2").inner_text()
        for tr in section.query_selector_all("tbody tr"):
            record, op, amount = (td.inner_text().strip() for td in tr.query_selector_all("td"))
            assert record.startswith(kind + " "), (kind, record)
            local_id = int(record.removeprefix(kind + " "))
            rows.setdefault(kind, {})[local_id] = (
                op,
                Decimal(amount.replace(",", "")) if amount else None,
            )
    return rows


def test_what_the_preview_lists_is_exactly_what_the_pass_sends(
    page: Any, firm: Firm, server_url: str
) -> None:
    ready_to_sync(firm, server_url)
    # Two clients already customers, with a first invoice each.
    first, first_matter, first_bill = builders.billed_client(firm, hours="1", rate="100")
    second, second_matter, _ = builders.billed_client(firm, hours="2", rate="175")
    firm.post("/quickbooks/sync", None, 200)
    before = {i.DocNumber for i in in_quickbooks(firm, server_url, Invoice)}
    assert len(before) == 2

    # Then, waiting: a new client and bill, two more bills, a payment.
    builders.time_entry(firm, first_matter["id"], hours="3.25", rate="210")
    new_bills = [builders.bill(firm, first["id"])]
    builders.expense(firm, second_matter["id"], quantity="2", unit_price="37.40")
    new_bills.append(builders.bill(firm, second["id"]))
    third, _, third_bill = builders.billed_client(firm, hours="0.5", rate="333.33")
    new_bills.append(third_bill)
    payment = firm.post(
        "/payments",
        {
            "client_id": first["id"],
            "date": "2026-03-10",
            "amount": "60.00",
            "allocations": [{"bill_id": first_bill["id"], "amount": "60.00"}],
        },
    )

    sign_in(page, server_url, with_password(firm))
    page.goto(server_url + "/preview")
    page.wait_for_selector("button:has-text('Sync these now')")
    rows = _preview_rows(page)
    # The third client's bill waits for its customer, which this same pass makes.
    assert "waiting" in page.inner_text("#kind-bill + p")
    waiting = page.inner_text("section[aria-labelledby=kind-bill] ul")
    assert f"Bill {third_bill['id']}" in waiting
    look(page, "preview-several")
    assert rows["Contact"] == {third["id"]: ("create", None)}
    assert rows["Payment"] == {payment["id"]: ("create", Decimal("60.00"))}
    planned_bills = {b["id"]: ("create", Decimal(b["total"])) for b in new_bills[:2]}
    planned_bills[first_bill["id"]] = ("update", Decimal("100.00"))  # its balance, paid in part
    assert rows["Bill"] == planned_bills
    assert set(rows) == {"Contact", "Bill", "Payment"}

    page.click("button:has-text('Sync these now')")
    page.wait_for_url(server_url + "/")
    said = page.wait_for_selector("#sync-run p:has-text('Sync finished')", timeout=60_000)
    assert "0 failed" in said.inner_text()

    invoices = {i.DocNumber: i for i in in_quickbooks(firm, server_url, Invoice)}
    sent = {number: invoice for number, invoice in invoices.items() if number not in before}
    by_number = {b["number"]: b for b in new_bills}
    assert set(sent) == set(by_number)  # the two planned, and the one that waited
    for number, invoice in sent.items():
        bill = by_number[number]
        assert Decimal(str(invoice.TotalAmt)) == Decimal(bill["total"]), number
    updated = invoices[first_bill["number"]]
    assert (Decimal(str(updated.TotalAmt)), Decimal(str(updated.Balance))) == (100, 40)
    amounts = [Decimal(str(p.TotalAmt)) for p in in_quickbooks(firm, server_url, Payment)]
    assert amounts == [rows["Payment"][payment["id"]][1]]
    customers = {c.DisplayName for c in in_quickbooks(firm, server_url, Customer)}
    assert customers == {first["display_name"], second["display_name"], third["display_name"]}

    page.goto(server_url + "/preview")
    page.wait_for_selector("text=Nothing to send.")
