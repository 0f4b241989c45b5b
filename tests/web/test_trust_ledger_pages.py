"""The trust ledger's pages as a browser uses them (forms over HTTP): transfers and their
reversal, bank statements entered and imported, matching by hand, and month end."""

from __future__ import annotations

from pathlib import Path

from lawsync.practice.services import sign_in
from tests import builders
from tests.conftest import Firm
from tests.web.browser import PASSWORD, Browser, with_password

STATEMENTS = Path(__file__).parent.parent / "fixtures" / "statements"


def test_a_transfer_through_the_form_and_its_reversal(firm: Firm, browser: Browser) -> None:
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "500.00")
    browser.sign_in(with_password(firm))
    page = "/client-funds/transfers"
    html = browser.page(page)
    assert "Record a transfer" in html and "No transfers yet." in html
    source = f"{acct['id']}-{c['id']}-0"
    r = browser.submit(
        page,
        {"from": source, "to_matter_id": m["id"], "amount": "600.00", "date": "2026-03-05"},
        from_page=page,
    )
    assert r.status_code == 409 and "500.00" in r.text and 'aria-invalid="true"' in r.text
    r = browser.submit(page, {"from": "", "amount": "1"}, from_page=page)
    assert r.status_code == 422 and "Choose the ledger the money comes from." in r.text
    r = browser.submit(
        page,
        {"from": source, "to_matter_id": m["id"], "amount": "200.00", "date": "2026-03-05"},
        from_page=page,
    )
    assert r.status_code == 303, r.text
    t = firm.get("/client-funds/transfers")["data"][0]
    html = browser.page(page)
    assert f'id="transfer-{t["id"]}"' in html and "200.00" in html
    reverse = f"{page}/{t['id']}/reverse"
    assert "Reverse transfer" in browser.page(reverse)
    r = browser.submit(reverse, {"reason": "wrong matter"}, from_page=reverse)
    assert r.status_code == 422 and "Tick the box" in r.text
    r = browser.submit(
        reverse,
        {"reason": "wrong matter", "confirm": "yes", "date": "2026-03-06"},
        from_page=reverse,
    )
    assert r.status_code == 303
    assert firm.get(f"/client-funds/transfers/{t['id']}")["reversed"] is True


def test_statements_are_entered_imported_and_matched_by_hand(firm: Firm, browser: Browser) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    dep = builders.deposit(firm, acct["id"], c["id"], "1000.00", date=builders.DAY.replace(day=3))
    builders.disburse(
        firm, acct["id"], c["id"], "250.00", date=builders.DAY.replace(day=10), cheque_number="101"
    )
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{acct['id']}/statements"
    assert "No statements yet." in browser.page(page)
    r = browser.submit(
        page, {"statement_date": "2026-02-28", "closing_balance": "abc"}, from_page=page
    )
    assert r.status_code == 422 and 'id="enter-closing_balance-error"' in r.text
    r = browser.submit(
        page, {"statement_date": "2026-02-28", "closing_balance": "0.00"}, from_page=page
    )
    assert r.status_code == 303
    # A CSV whose deposit the bank dated far from the books: not matched automatically.
    csv_text = "Date,Amount\n2026-03-25,1000.00\n"
    token = browser.csrf(page)
    r = browser.http.post(
        f"{page}/import",
        data={
            "csrf_token": token,
            "format": "csv",
            "statement_date": "2026-03-31",
            "closing_balance": "1000.00",
            "amount_column": "Amount",
        },
        files={"file": ("march.csv", csv_text.encode(), "text/csv")},
    )
    assert r.status_code == 303, r.text
    statement_url = r.headers["location"].split("?")[0]
    html = browser.page(statement_url)
    assert "Transaction of the same amount" in html
    line_id = firm.get("/client-funds/statements/" + statement_url.rsplit("/", 1)[1])["lines"][0][
        "id"
    ]
    r = browser.submit(
        f"/client-funds/statement-lines/{line_id}/match",
        {"txn_id": dep["id"], "statement_id": statement_url.rsplit("/", 1)[1]},
        from_page=statement_url,
    )
    assert r.status_code == 303
    assert "matched</span> transaction #" in browser.page(statement_url)
    # An OFX file without a file chosen is refused beside the file field.
    r = browser.http.post(f"{page}/import", data={"csrf_token": token, "format": "ofx"}, files={})
    assert r.status_code == 422 and 'id="import-file-error"' in r.text


def test_month_end_is_prepared_then_approved_by_another_admin_through_the_pages(
    firm: Firm, browser: Browser, other_browser: Browser
) -> None:
    c = builders.client(firm)
    acct = builders.trust_account(firm)
    builders.deposit(firm, acct["id"], c["id"], "1000.00", date=builders.DAY.replace(day=3))
    builders.disburse(
        firm, acct["id"], c["id"], "250.00", date=builders.DAY.replace(day=10), cheque_number="101"
    )
    firm.post(
        "/client-funds/statement-imports",
        {
            "account_id": acct["id"],
            "format": "ofx",
            "content": (STATEMENTS / "march.ofx").read_text(),
        },
    )
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{acct['id']}/month-end"
    html = browser.page(page, month="2026-03")
    assert "agree" in html and 'id="adjusted"' in html
    assert "Nothing outstanding" in html
    r = browser.submit(page, {"month": "2026-03"}, from_page=page)
    assert r.status_code == 303
    rec = firm.get("/client-funds/reconciliations", account_id=acct["id"])["data"][0]
    html = browser.page(page, month="2026-03")
    assert "waiting for another administrator" in html
    approver = firm.post(
        "/users", {"name": "Bea Approver", "email": f"bea-{firm.id}@x.example", "role": "admin"}
    )
    sign_in.set_password(firm.ledger, firm.actor, approver["id"], PASSWORD)
    other_browser.sign_in(approver["email"])
    r = other_browser.submit(
        f"/client-funds/reconciliations/{rec['id']}/approve", {}, from_page=page
    )
    assert r.status_code == 303
    # The deposit form refuses a date in the closed month, beside the date.
    account_page = f"/client-funds/{acct['id']}"
    r = browser.submit(
        f"{account_page}/deposit",
        {"client_id": c["id"], "amount": "5.00", "date": "2026-03-31"},
        from_page=account_page,
    )
    assert r.status_code == 409 and "March 2026 is closed" in r.text
    r = browser.submit(
        f"/client-funds/reconciliations/{rec['id']}/reopen", {"reason": ""}, from_page=page
    )
    assert r.status_code == 422
    r = browser.submit(
        f"/client-funds/reconciliations/{rec['id']}/reopen",
        {"reason": "Deposit slip found"},
        from_page=page,
    )
    assert r.status_code == 303
    assert "Deposit slip found" in browser.page(page, month="2026-03")
