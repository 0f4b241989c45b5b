"""The client funds pages and the client funds ledger report, as a browser uses them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from lawsync.money import ZERO
from lawsync.practice.services import sign_in
from lawsync.practice.services.reports import ClientLedger, LedgerReport, LedgerRow, MatterLedger
from lawsync.web.pages import client_funds as client_funds_pages
from lawsync.web.pages import ledger_files
from tests import builders
from tests.conftest import Firm
from tests.web.browser import PASSWORD, Browser, with_password


def _figure(text: str) -> Decimal:
    return Decimal(text.replace(",", "").split()[0])


def _page_total(html: str, which: str) -> Decimal:
    found = re.search(rf'data-total="{which}">([^<]+)<', html)
    assert found, f"no {which} total on the page"
    return _figure(found.group(1))


def _transactions(firm: Firm, account_id: int) -> list[dict[str, object]]:
    found = firm.get("/client-funds-transactions", account_id=account_id)
    items: list[dict[str, object]] = found["data"]
    return items


def test_a_deposit_then_a_disbursement_through_the_pages(firm: Firm, browser: Browser) -> None:
    account = builders.trust_account(firm)
    c = builders.client(firm)
    m = builders.matter(firm, c["id"])
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{account['id']}"
    assert "Record the deposit" in browser.page(page)

    r = browser.submit(
        f"{page}/deposit",
        {
            "client_id": c["id"],
            "matter_id": m["id"],
            "amount": "500.00",
            "date": "2026-03-02",
            "source": "Retainer",
        },
        from_page=page,
    )
    assert r.status_code == 303 and "said=" in r.headers["location"]
    r = browser.submit(
        f"{page}/disbursement",
        {
            "client_id": c["id"],
            "matter_id": m["id"],
            "amount": "120.50",
            "date": "2026-03-03",
            "payee_name": "Land Registry",
            "method": "cheque",
            "cheque_number": "1001",
        },
        from_page=page,
    )
    assert r.status_code == 303

    held = firm.get(f"/client-funds-accounts/{account['id']}")
    assert Decimal(held["balance"]) == Decimal("379.50")
    txns = _transactions(firm, account["id"])
    assert [(t["kind"], Decimal(str(t["amount"]))) for t in txns] == [
        ("deposit", Decimal("500.00")),
        ("disbursement", Decimal("-120.50")),
    ]
    assert txns[1]["cheque_number"] == "1001" and txns[1]["method"] == "cheque"
    html = browser.page(page)
    assert 'id="account-balance">$379.50<' in html and "Land Registry" in html
    overview = browser.page("/client-funds")
    assert m["number"] in overview and "379.50" in overview


def test_an_overdraw_is_refused_beside_its_field_and_nothing_is_saved(
    firm: Firm, browser: Browser
) -> None:
    account = builders.trust_account(firm)
    c = builders.client(firm)
    builders.deposit(firm, account["id"], c["id"], "100")
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{account['id']}"
    r = browser.submit(
        f"{page}/disbursement",
        {
            "client_id": c["id"],
            "amount": "100.01",
            "date": "2026-03-03",
            "payee_name": "Someone",
            "method": "eft",
        },
        from_page=page,
    )
    assert r.status_code == 409  # insufficient client funds: a conflict, as in the API
    error = re.search(r'id="disbursement-amount-error"[^>]*>([^<]+)<', r.text)
    assert error and "negative trust balance" in error.group(1)
    assert 'aria-describedby="disbursement-amount-error"' in r.text
    assert 'value="100.01"' in r.text  # the form comes back as it was sent
    assert [t["kind"] for t in _transactions(firm, account["id"])] == ["deposit"]
    assert Decimal(firm.get(f"/client-funds-accounts/{account['id']}")["balance"]) == 100

    r = browser.submit(
        f"{page}/deposit",
        {"client_id": c["id"], "amount": "-5", "date": "2026-03-03"},
        from_page=page,
    )
    assert r.status_code == 422 and 'id="deposit-amount-error"' in r.text
    assert len(_transactions(firm, account["id"])) == 1


def test_a_reversal_asks_for_a_reason_and_a_confirmation(firm: Firm, browser: Browser) -> None:
    account = builders.trust_account(firm)
    c = builders.client(firm)
    builders.deposit(firm, account["id"], c["id"], "300")
    paid = builders.disburse(firm, account["id"], c["id"], "80", cheque_number="77")
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{account['id']}"
    confirm = f"{page}/transactions/{paid['id']}/reverse"
    assert f'href="{confirm}"' in browser.page(page)
    assert "I confirm this reversal" in browser.page(confirm)

    r = browser.submit(confirm, {"reason": "Wrong payee"}, from_page=confirm)
    assert r.status_code == 422 and 'id="confirm-error"' in r.text
    r = browser.submit(confirm, {"reason": " ", "confirm": "yes"}, from_page=confirm)
    assert r.status_code == 422 and 'id="reason-error"' in r.text
    assert len(_transactions(firm, account["id"])) == 2

    r = browser.submit(confirm, {"reason": "Wrong payee", "confirm": "yes"}, from_page=confirm)
    assert r.status_code == 303
    txns = _transactions(firm, account["id"])
    assert txns[-1]["kind"] == "reversal" and txns[-1]["reverses_id"] == paid["id"]
    assert Decimal(str(txns[-1]["amount"])) == Decimal("80")
    assert Decimal(firm.get(f"/client-funds-accounts/{account['id']}")["balance"]) == 300
    assert "reversed" in browser.page(page)

    r = browser.submit(confirm, {"reason": "Again", "confirm": "yes"}, from_page=page)
    assert r.status_code == 409 and "already been reversed" in r.text


def test_funds_are_applied_to_a_bill_from_the_account_page(firm: Firm, browser: Browser) -> None:
    account = builders.trust_account(firm)
    c, m, bill = builders.billed_client(firm, hours="1", rate="100")
    owed = Decimal(bill["balance"])
    builders.deposit(firm, account["id"], c["id"], str(owed - 1), matter_id=m["id"])
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{account['id']}"
    assert f"Bill {bill['number']}" in browser.page(page)
    form = {"client_id": c["id"], "matter_id": m["id"], "bill_id": bill["id"], "date": "2026-03-05"}

    r = browser.submit(f"{page}/apply", {**form, "amount": str(owed)}, from_page=page)
    assert r.status_code == 409 and 'id="apply-amount-error"' in r.text  # not enough held
    r = browser.submit(f"{page}/apply", {**form, "amount": str(owed + 1)}, from_page=page)
    assert r.status_code == 409 and 'id="apply-bill_id-error"' in r.text  # more than it owes
    assert firm.get("/payments")["data"] == []
    assert Decimal(firm.get(f"/bills/{bill['id']}")["balance"]) == owed

    builders.deposit(firm, account["id"], c["id"], "1", matter_id=m["id"])
    r = browser.submit(f"{page}/apply", {**form, "amount": str(owed)}, from_page=page)
    assert r.status_code == 303
    assert Decimal(firm.get(f"/bills/{bill['id']}")["balance"]) == 0
    [payment] = firm.get("/payments")["data"]
    assert (payment["source"], payment["client_funds_account_id"]) == (
        "client_funds",
        account["id"],
    )
    kinds = [t["kind"] for t in _transactions(firm, account["id"])]
    assert kinds == ["deposit", "deposit", "payment_applied"]
    assert Decimal(firm.get(f"/client-funds-accounts/{account['id']}")["balance"]) == 0


def test_the_report_csv_and_pdf_carry_the_pages_figures(firm: Firm, browser: Browser) -> None:
    account = builders.trust_account(firm)
    first = builders.client(firm, first_name="Łucja", last_name="Żółć-Nowak")  # not Latin-1
    second = builders.client(firm)
    m = builders.matter(firm, first["id"])
    builders.deposit(firm, account["id"], first["id"], "1000", matter_id=m["id"])
    builders.deposit(firm, account["id"], second["id"], "250.25")
    builders.disburse(firm, account["id"], first["id"], "99.99", matter_id=m["id"])
    browser.sign_in(with_password(firm))
    path = "/reports/client-funds-ledger"
    params = {"account_id": account["id"], "from": "2026-01-01", "to": "2026-12-31"}
    html = browser.page(path, **params)
    assert _page_total(html, "closing") == Decimal("1150.26")
    assert _page_total(html, "opening") == 0

    r = browser.get(path, **params, format="csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    totals = {
        row["Kind"]: Decimal(row["Balance"]) for row in rows if row["Client"] == "All clients"
    }
    assert totals == {
        "Opening balance": _page_total(html, "opening"),
        "Closing balance": _page_total(html, "closing"),
    }
    amounts = [Decimal(row["Amount"]) for row in rows if row["Amount"]]
    assert sum(amounts) == _page_total(html, "closing")
    api = firm.get(f"/client-funds-accounts/{account['id']}/ledger", **{"from": "2026-01-01"})
    assert Decimal(api["closing_balance"]) == totals["Closing balance"]

    r = browser.get(path, **params, format="pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and len(r.content) > 1000
    assert b"%%EOF" in r.content[-32:]
    assert "attachment" in r.headers["content-disposition"]

    only = browser.page(path, account_id=account["id"], matter_id=m["id"])
    assert _page_total(only, "closing") == Decimal("900.01")

    refused = browser.get(
        path, account_id=account["id"], **{"from": "2026-05-01", "to": "2026-01-01"}
    )
    assert refused.status_code == 422 and 'id="to-error"' in refused.text


def test_another_firms_account_is_not_found(firm: Firm, other_firm: Firm, browser: Browser) -> None:
    theirs = builders.trust_account(other_firm)
    c = builders.client(other_firm)
    paid = builders.deposit(other_firm, theirs["id"], c["id"], "40")
    mine = builders.trust_account(firm)
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{theirs['id']}"
    r = browser.get(page)
    assert r.status_code == 404 and "Not found" in r.text
    r = browser.submit(
        f"{page}/deposit",
        {"client_id": c["id"], "amount": "10", "date": "2026-03-02"},
        from_page="/client-funds",
    )
    assert r.status_code == 404
    r = browser.get(f"/client-funds/{mine['id']}/transactions/{paid['id']}/reverse")
    assert r.status_code == 404
    r = browser.get("/reports/client-funds-ledger", account_id=theirs["id"])
    assert r.status_code == 404
    assert len(_transactions(other_firm, theirs["id"])) == 1


def test_an_account_is_opened_and_a_cheque_numbered_from_the_pages(
    firm: Firm, browser: Browser
) -> None:
    browser.sign_in(with_password(firm))
    r = browser.submit(
        "/client-funds", {"name": "Trust", "account_number_last4": "12x"}, from_page="/client-funds"
    )
    assert r.status_code == 422 and 'id="account_number_last4-error"' in r.text
    assert firm.get("/client-funds-accounts")["data"] == []
    r = browser.submit(
        "/client-funds", {"name": "Trust", "bank_name": "First Bank"}, from_page="/client-funds"
    )
    assert r.status_code == 303
    [account] = firm.get("/client-funds-accounts")["data"]
    assert account["name"] == "Trust" and r.headers["location"].startswith(
        f"/client-funds/{account['id']}?"
    )
    r = browser.submit("/client-funds", {"name": "Trust"}, from_page="/client-funds")
    assert r.status_code == 409 and 'id="name-error"' in r.text

    c = builders.client(firm)
    builders.deposit(firm, account["id"], c["id"], "50")
    first = builders.disburse(firm, account["id"], c["id"], "5", cheque_number="300")
    unnumbered = builders.disburse(firm, account["id"], c["id"], "5")
    page = f"/client-funds/{account['id']}"
    action = f"{page}/transactions/{unnumbered['id']}/cheque-number"
    assert f'action="{action}"' in browser.page(page)
    assert f"/transactions/{first['id']}/cheque-number" not in browser.page(page)
    r = browser.submit(action, {"cheque_number": "300"}, from_page=page)
    assert r.status_code == 409
    assert f'id="cheque-{unnumbered["id"]}-cheque_number-error"' in r.text
    r = browser.submit(action, {"cheque_number": "301"}, from_page=page)
    assert r.status_code == 303
    assert firm.get(f"/client-funds-transactions/{unnumbered['id']}")["cheque_number"] == "301"


def test_the_transactions_come_a_page_at_a_time(
    firm: Firm, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_funds_pages, "PAGE", 2)
    account = builders.trust_account(firm)
    c = builders.client(firm)
    made = [builders.deposit(firm, account["id"], c["id"], f"{n}.00") for n in (1, 2, 3)]
    browser.sign_in(with_password(firm))
    page = f"/client-funds/{account['id']}"
    html = browser.page(page)
    assert f'id="txn-{made[1]["id"]}"' in html and f'id="txn-{made[2]["id"]}"' not in html
    later = re.search(r'href="([^"]+after=\d+)">Later transactions', html)
    assert later
    html = browser.page(later.group(1))
    assert f'id="txn-{made[2]["id"]}"' in html and f'id="txn-{made[0]["id"]}"' not in html


ONE = Decimal(1)


def test_a_long_ledger_fills_several_pdf_pages_and_its_csv_guards_formulas() -> None:
    rows = [
        LedgerRow(n, dt.date(2026, 1, 1), "deposit", "=HYPERLINK(x) " * 20, "Payer", None, ONE, ONE)
        for n in range(1, 301)
    ]
    matter = MatterLedger(1, "00001", Decimal(0), Decimal(300), rows)
    client = ClientLedger(1, "Zoë 山田", Decimal(0), Decimal(300), [matter])
    report = LedgerReport(
        1, "Trust", "CAD", None, None, ZERO, Decimal(300), Decimal(300), [client], 300
    )
    pdf = ledger_files.as_pdf(report)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") >= 5
    lines = list(csv.reader(io.StringIO(ledger_files.as_csv(report))))
    assert lines[2][4].startswith("'=HYPERLINK") and lines[2][7] == "1.00"
    assert lines[-1] == ["All clients", "", "", "Closing balance", "", "", "", "", "300.00"]


def test_only_an_administrator_opens_an_account(firm: Firm, browser: Browser) -> None:
    user = firm.post(
        "/users", {"name": "Mo Member", "email": f"mo-{firm.id}@x.example", "role": "member"}
    )
    sign_in.set_password(firm.ledger, firm.actor, user["id"], PASSWORD)
    browser.sign_in(str(user["email"]))
    assert 'action="/client-funds"' not in browser.page("/client-funds")
    r = browser.submit("/client-funds", {"name": "Trust"}, from_page="/client-funds")
    assert r.status_code == 403 and 'class="error"' in r.text
    assert firm.get("/client-funds-accounts")["data"] == []


def test_a_reversal_that_would_overdraw_is_refused_at_the_top(firm: Firm, browser: Browser) -> None:
    account = builders.trust_account(firm)
    c = builders.client(firm)
    money_in = builders.deposit(firm, account["id"], c["id"], "100")
    builders.disburse(firm, account["id"], c["id"], "60")
    browser.sign_in(with_password(firm))
    confirm = f"/client-funds/{account['id']}/transactions/{money_in['id']}/reverse"
    r = browser.submit(confirm, {"reason": "Bounced", "confirm": "yes"}, from_page=confirm)
    assert r.status_code == 409
    assert re.search(r'<p class="error" role="alert">[^<]*negative trust balance', r.text)
    assert 'value="Bounced"' in r.text
    assert len(_transactions(firm, account["id"])) == 2
