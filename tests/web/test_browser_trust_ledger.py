"""The trust ledger's pages in a real browser: each screenshotted and held to axe-core, and the
forms used as a bookkeeper would (a transfer, a statement imported, a month prepared)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests import builders
from tests.conftest import Firm
from tests.web.browser import with_password
from tests.web.playwright_support import look, sign_in

STATEMENTS = Path(__file__).parent.parent / "fixtures" / "statements"


def _at(page: Any, heading: str, name: str) -> None:
    page.wait_for_selector(f"main h1:has-text({json.dumps(heading)})")
    look(page, name)


def test_transfers_statements_and_month_end_pages(page: Any, firm: Firm, server_url: str) -> None:
    olu = builders.client(firm, first_name="Olu", last_name="Adebayo")
    kim = builders.client(firm, first_name="Kim", last_name="Tran")
    purchase = builders.matter(firm, olu["id"], description="Purchase of 12 Harbour Road")
    acct = builders.trust_account(firm, "IOLTA Trust")
    builders.deposit(firm, acct["id"], olu["id"], "1000.00", date=builders.DAY.replace(day=3))
    builders.disburse(
        firm,
        acct["id"],
        olu["id"],
        "250.00",
        date=builders.DAY.replace(day=10),
        cheque_number="101",
        payee_name="Land Registry",
    )
    builders.deposit(firm, acct["id"], kim["id"], "400.00", date=builders.DAY.replace(day=28))
    sign_in(page, server_url, with_password(firm))

    page.goto(f"{server_url}/client-funds/transfers")
    _at(page, "Transfers", "trust-transfers-empty")
    page.get_by_label("From (what a client holds)").select_option(f"{acct['id']}-{olu['id']}-0")
    page.get_by_label("To the matter").select_option(str(purchase["id"]))
    page.get_by_label("Amount").fill("300.00")
    page.get_by_label("Date").fill("2026-03-12")
    page.click("button:has-text('Record the transfer')")
    page.wait_for_selector("text=recorded.")
    # Between clients without a reason: refused beside the reason.
    page.get_by_label("From (what a client holds)").select_option(f"{acct['id']}-{kim['id']}-0")
    page.get_by_label("To the client").select_option(str(olu["id"]))
    page.get_by_label("Amount").fill("50.00")
    page.get_by_label("Date").fill("2026-03-29")
    page.click("button:has-text('Record the transfer')")
    page.wait_for_selector("#reason-error")
    _at(page, "Transfers", "trust-transfer-refused")
    page.get_by_label("Reason").fill("Kim pays Olu's share of the survey, as agreed in writing")
    page.click("button:has-text('Record the transfer')")
    page.wait_for_selector("text=recorded.")
    _at(page, "Transfers", "trust-transfers")

    page.goto(f"{server_url}/client-funds/{acct['id']}/statements")
    _at(page, "Bank statements", "trust-statements-empty")
    page.set_input_files("#import-file", str(STATEMENTS / "march.ofx"))
    page.click("button:has-text('Import and match')")
    page.wait_for_selector("text=2 matched")
    _at(page, "Statement of", "trust-statement")

    page.goto(f"{server_url}/client-funds/{acct['id']}/month-end?month=2026-03")
    _at(page, "Month end", "trust-month-end")
    assert page.inner_text("#adjusted") == page.inner_text("#journal")
    page.click("button:has-text('Prepare 2026-03')")
    page.wait_for_selector("text=waiting for another administrator")
    _at(page, "Month end", "trust-month-end-prepared")

    page.goto(f"{server_url}/client-funds/{acct['id']}/statements")
    _at(page, "Bank statements", "trust-statements")


SETTLED = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def test_the_transfer_pickers_find_any_of_thousands_of_clients(
    page: Any, firm: Firm, server_url: str
) -> None:
    """More clients and matters than a picker lists at once: typing finds the one wanted, and
    the matter picker then lists that client's matters."""
    ids = builders.many_clients(firm, 70, name="Aaron")  # sorted before Zoë: the first page
    zoe = builders.client(firm, first_name="Zoë", last_name="Zimmermann")
    for client_id in ids[:55]:
        builders.matter(firm, client_id, description="Bulk matter")
    wanted = builders.matter(firm, zoe["id"], description="Estate of Zimmermann")
    acct = builders.trust_account(firm, "IOLTA Trust")
    builders.deposit(firm, acct["id"], ids[0], "500.00", date=builders.DAY)
    sign_in(page, server_url, with_password(firm))
    page.goto(f"{server_url}/client-funds/transfers")
    page.wait_for_selector("main h1:has-text('Transfers')")
    # The first page lists 50 of 71 clients, not Zoë, and 50 of 56 matters, not hers.
    assert f'value="{zoe["id"]}"' not in page.inner_html("#to_client_id")
    assert f'value="{wanted["id"]}"' not in page.inner_html("#to_matter_id")
    assert "Showing 50 of 71" in page.inner_text("#to_client_id-note")
    page.fill("#to_client_id-q", "zimmer")
    page.wait_for_selector(f'#to_client_id option[value="{zoe["id"]}"]', state="attached")
    assert page.inner_text("#to_client_id-note") == "1 matches “zimmer”."
    page.wait_for_load_state("networkidle")  # the matters listed again after the search
    page.select_option("#to_client_id", str(zoe["id"]))
    # Choosing the client lists that client's matters only: "not for a matter" and hers.
    page.wait_for_function("document.querySelectorAll('#to_matter_id option').length === 2")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(f'#to_matter_id option[value="{wanted["id"]}"]', state="attached")
    # htmx done with the list (no request, swap or settle under way) before choosing from it.
    page.wait_for_function(SETTLED)
    page.select_option("#to_matter_id", str(wanted["id"]))
    page.wait_for_function(SETTLED)
    page.get_by_label("From (what a client holds)").select_option(f"{acct['id']}-{ids[0]}-0")
    page.get_by_label("Amount").fill("120.00")
    page.get_by_label("Reason").fill("Aaron's gift toward the estate, authorised in writing")
    look(page, "trust-transfer-pickers")
    assert page.input_value("#to_matter_id") == str(wanted["id"])
    page.click("button:has-text('Record the transfer')")
    page.wait_for_selector("text=recorded.")
    (made,) = firm.get("/client-funds/transfers")["data"]
    assert (made["to_client_id"], made["to_matter_id"]) == (zoe["id"], wanted["id"])
