"""The sample company (``"sample_data": true``): what it holds, and that its books agree.

Everything in it was made through the sandbox's own rules, so its figures must add up the way
any company's do: the trial balance balances, receivables equal what customers still owe, the
stock account equals the stock on hand at cost.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.sandbox.sandbox_support import NewCompany, Qbo


@pytest.fixture(scope="module")
def sample(control: Any) -> Qbo:
    from tests.sandbox.sandbox_support import make_company

    return make_company(control, sample_data=True, multicurrency=True, name="Sample Co")


def money(value: object) -> Decimal:
    return Decimal(str(value))


def all_rows(q: Qbo, entity: str) -> list[dict[str, Any]]:
    return q.rows(f"SELECT * FROM {entity} MAXRESULTS 1000")


def test_it_holds_what_a_developer_sample_company_holds(sample: Qbo) -> None:
    counts = {
        e: len(all_rows(sample, e))
        for e in (
            "Customer",
            "Vendor",
            "Employee",
            "Item",
            "Invoice",
            "Payment",
            "Bill",
            "Purchase",
            "Estimate",
            "TimeActivity",
            "RecurringTransaction",
            "CompanyCurrency",
        )
    }
    assert counts == {
        "Customer": 15,
        "Vendor": 10,
        "Employee": 2,
        "Item": 17,
        "Invoice": 8,
        "Payment": 6,
        "Bill": 3,
        "Purchase": 3,
        "Estimate": 1,
        "TimeActivity": 1,
        "RecurringTransaction": 2,
        "CompanyCurrency": 3,
    }
    kinds = {row["Type"] for row in all_rows(sample, "Item")}
    assert kinds == {"Service", "NonInventory", "Inventory"}
    subtypes = {row["AccountSubType"] for row in all_rows(sample, "Account")}
    for needed in (
        "Checking",
        "Savings",
        "CreditCard",
        "UndepositedFunds",
        "SalesOfProductIncome",
        "ServiceFeeIncome",
        "SuppliesMaterialsCogs",
        "Inventory",
        "AccountsReceivable",
        "AccountsPayable",
    ):
        assert needed in subtypes


def test_ids_clients_rely_on_are_intuits(sample: Qbo) -> None:
    assert sample.read("Account", "1")["Name"] == "Services"
    assert sample.read("Account", "42")["Name"] == "Visa"
    assert sample.read("Account", "86")["Name"] == "Discounts given"
    assert sample.read("Item", "10")["Name"] == "Pest Control"
    first_inventory = sample.rows("SELECT * FROM Item WHERE Type = 'Inventory' MAXRESULTS 1")[0]
    assert first_inventory["Name"] == "Rock Fountain"


def test_people_share_one_id_sequence(sample: Qbo) -> None:
    ids = [
        int(row["Id"])
        for entity in ("Customer", "Vendor", "Employee")
        for row in all_rows(sample, entity)
    ]
    assert sorted(ids) == list(range(1, 28))


def test_trial_balance_sums_to_zero(sample: Qbo) -> None:
    debit = credit = Decimal(0)
    for acct in all_rows(sample, "Account"):
        amount = money(acct["CurrentBalance"])
        if acct["Classification"] in ("Asset", "Expense"):
            debit += amount
        else:
            credit += amount
    assert debit == credit
    assert debit > 0
    report = sample.get("/reports/TrialBalance", end_date="2100-12-31").json()
    total = report["Rows"]["Row"][-1]["Summary"]["ColData"]
    assert total[1]["value"] == total[2]["value"]


def test_receivables_equal_what_customers_owe(sample: Qbo) -> None:
    ar = money(sample.read("Account", "84")["CurrentBalance"])
    open_invoices = sum((money(i["Balance"]) for i in all_rows(sample, "Invoice")), Decimal(0))
    unapplied = sum(
        (money(p.get("UnappliedAmt", 0)) for p in all_rows(sample, "Payment")), Decimal(0)
    )
    credits = sum(
        (money(m.get("RemainingCredit", 0)) for m in all_rows(sample, "CreditMemo")), Decimal(0)
    )
    assert ar == open_invoices - unapplied - credits
    assert open_invoices > 0 and unapplied > 0
    owed = sum((money(c["Balance"]) for c in all_rows(sample, "Customer")), Decimal(0))
    assert owed == ar


def test_payables_equal_open_bills(sample: Qbo) -> None:
    ap = money(sample.read("Account", "33")["CurrentBalance"])
    open_bills = sum((money(b["Balance"]) for b in all_rows(sample, "Bill")), Decimal(0))
    assert ap == open_bills > 0


def test_stock_account_equals_stock_on_hand_at_cost(sample: Qbo) -> None:
    stock = sum(
        (
            money(i["QtyOnHand"]) * money(i["PurchaseCost"])
            for i in all_rows(sample, "Item")
            if i["Type"] == "Inventory"
        ),
        Decimal(0),
    )
    assert money(sample.read("Account", "81")["CurrentBalance"]) == stock
    # The sales of stock moved their cost to cost of goods sold.
    assert money(sample.read("Account", "80")["CurrentBalance"]) > 0


def test_templates_and_estimates_post_nothing(sample: Qbo, new_company: NewCompany) -> None:
    """The sample's recurring templates, estimate and purchase order leave no trace in the
    books: the books balance to what the posting transactions alone make (checked above), and
    a template has neither a number nor a date."""
    for template in all_rows(sample, "RecurringTransaction"):
        (kind, body), *_ = template.items()
        assert kind in ("Invoice", "Bill")
        assert "DocNumber" not in body and "TxnDate" not in body
        assert body["RecurringInfo"]["ScheduleInfo"]["IntervalType"] == "Monthly"


def test_a_plain_company_has_no_sample_data(new_company: NewCompany) -> None:
    plain = new_company()
    assert plain.rows("SELECT * FROM Invoice") == []
    assert plain.rows("SELECT * FROM Customer") == []


def test_cli_serves_a_sample_company_and_creates_more() -> None:
    import json
    import subprocess
    import sys
    import time

    import httpx
    from typer.testing import CliRunner

    from lawsync.sandbox.cli import app
    from tests.sandbox.sandbox_support import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "lawsync.sandbox", "--port", str(port), "--sample-data"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        assert first.startswith("sample company: realm ")
        realm = first.split()[-1]
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        made = CliRunner().invoke(
            app,
            ["company", "create", "--name", "Second", "--sample-data", "--url", url],
        )
        assert made.exit_code == 0, made.output
        second = json.loads(made.output)
        assert second["realm_id"] != realm
        assert second["accounts"]["Inventory"] == "81"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
