"""Reports served under /reports/: each one's totals agree with the entities they are read from
(account balances, open invoice and bill balances, customers' and vendors' Balance) and with
the other reports."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from tests.sandbox.sandbox_support import Qbo, expense_line, fault, je_line, purchase

PERIOD = {"start_date": "2026-01-01", "end_date": "2026-04-15"}
AS_OF = {"report_date": "2026-04-15"}


def money(value: str) -> Decimal:
    return Decimal(value or "0")


def sections(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every row, nested ones included, depth first."""
    out = []
    for row in rows:
        out.append(row)
        out.extend(sections(row.get("Rows", {}).get("Row", [])))
    return out


def group(report: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [r for r in sections(report["Rows"]["Row"]) if r.get("group") == name]
    return found


def summary(report: dict[str, Any], name: str, col: int = -1) -> Decimal:
    return money(group(report, name)["Summary"]["ColData"][col]["value"])


def data_rows(report: dict[str, Any]) -> list[list[dict[str, str]]]:
    return [r["ColData"] for r in sections(report["Rows"]["Row"]) if r.get("type") == "Data"]


class Books:
    """A quarter of a small firm's books: two clients, two suppliers, paid and open items."""

    def __init__(self, qbo: Qbo) -> None:
        self.qbo = qbo
        acct = qbo.accounts
        self.ana = qbo.customer("Ana Reports")
        self.ben = qbo.customer("Ben Reports")
        self.court = qbo.create("Vendor", {"DisplayName": "Court Reporters Ltd"})
        self.print = qbo.create("Vendor", {"DisplayName": "Print Shop"})
        qbo.create(
            "JournalEntry",
            {
                "TxnDate": "2026-01-02",
                "Line": [
                    je_line(1000, "Debit", acct["Checking"]),
                    je_line(1000, "Credit", acct["OpeningBalanceEquity"]),
                ],
            },
        )
        self.inv1 = qbo.invoice(
            self.ana["Id"], "300.00", TxnDate="2026-01-10", DueDate="2026-02-09"
        )
        self.inv2 = qbo.invoice(
            self.ben["Id"], "200.00", TxnDate="2026-03-01", DueDate="2026-03-31"
        )
        qbo.payment(self.ana["Id"], "120.00", self.inv1["Id"], TxnDate="2026-02-01")
        line = {
            "Amount": 50,
            "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "2"}},
        }
        self.memo = qbo.create(
            "CreditMemo",
            {"CustomerRef": {"value": self.ben["Id"]}, "Line": [line], "TxnDate": "2026-03-05"},
        )
        qbo.create(
            "SalesReceipt",
            {
                "CustomerRef": {"value": self.ana["Id"]},
                "Line": [{**line, "Amount": 80}],
                "TxnDate": "2026-02-15",
            },
        )
        qbo.payment(self.ben["Id"], "30.00", TxnDate="2026-03-10")
        self.bill1 = qbo.create(
            "Bill",
            {
                "VendorRef": {"value": self.court["Id"]},
                "TxnDate": "2026-01-20",
                "DueDate": "2026-02-19",
                "Line": [expense_line(90, acct["OfficeExpenses"])],
            },
        )
        qbo.create(
            "Bill",
            {
                "VendorRef": {"value": self.print["Id"]},
                "TxnDate": "2026-03-02",
                "DueDate": "2026-04-01",
                "Line": [expense_line(40, acct["LegalProfessionalFees"])],
            },
        )
        qbo.create(
            "BillPayment",
            {
                "VendorRef": {"value": self.court["Id"]},
                "PayType": "Check",
                "TotalAmt": 50,
                "TxnDate": "2026-02-25",
                "CheckPayment": {"BankAccountRef": {"value": acct["Checking"]}},
                "Line": [
                    {"Amount": 50, "LinkedTxn": [{"TxnId": self.bill1["Id"], "TxnType": "Bill"}]}
                ],
            },
        )
        qbo.create(
            "Purchase",
            purchase(
                qbo,
                expense_line(25, acct["OfficeExpenses"]),
                pay="Check",
                TxnDate="2026-02-10",
                EntityRef={"value": self.print["Id"], "type": "Vendor"},
            ),
        )

    def report(self, name: str, **params: str) -> dict[str, Any]:
        r = self.qbo.get(f"/reports/{name}", **params)
        assert r.status_code == 200, r.text
        body = dict(r.json())
        assert body["Header"]["ReportName"] == name
        return body

    def balance(self, subtype: str) -> Decimal:
        return Decimal(str(self.qbo.read("Account", self.qbo.accounts[subtype])["CurrentBalance"]))

    def accounts(self) -> list[dict[str, Any]]:
        return self.qbo.rows("SELECT * FROM Account MAXRESULTS 1000")


@pytest.fixture
def books(qbo: Qbo) -> Books:
    return Books(qbo)


def test_balance_sheet_balances_and_agrees_with_the_accounts(books: Books) -> None:
    sheet = books.report("BalanceSheet", **PERIOD)
    assets = summary(sheet, "TotalAssets")
    assert assets == summary(sheet, "TotalLiabilitiesAndEquity")
    by_class: dict[str, Decimal] = {}
    for acct in books.accounts():
        value = Decimal(str(acct["CurrentBalance"]))
        by_class[acct["Classification"]] = by_class.get(acct["Classification"], Decimal(0)) + value
    assert assets == by_class["Asset"] == Decimal("1455.00")  # bank 925, undeposited 230
    assert summary(sheet, "AR") == books.balance("AccountsReceivable") == Decimal("300.00")
    assert summary(sheet, "AP") == books.balance("AccountsPayable") == Decimal("80.00")
    (net,) = [r for r in data_rows(sheet) if r[0]["value"] == "Net Income"]
    assert money(net[1]["value"]) == by_class["Revenue"] - by_class["Expense"] == Decimal("375.00")
    trial = books.report("TrialBalance", end_date="2026-04-15")
    totals = trial["Rows"]["Row"][-1]["Summary"]["ColData"]
    assert totals[1]["value"] == totals[2]["value"]
    debits = {
        r["ColData"][0]["id"]: money(r["ColData"][1]["value"]) for r in trial["Rows"]["Row"][:-1]
    }
    banks = [r for r in data_rows(sheet) if r[0].get("id") == books.qbo.accounts["Checking"]]
    assert money(banks[0][1]["value"]) == debits[books.qbo.accounts["Checking"]]


def test_profit_and_loss_net_income_is_the_balance_sheets(books: Books) -> None:
    pl = books.report("ProfitAndLoss", **PERIOD)
    assert summary(pl, "Income") == Decimal("530.00")
    assert summary(pl, "Expenses") == Decimal("155.00")
    assert summary(pl, "GrossProfit") == Decimal("530.00")
    assert summary(pl, "NetIncome") == Decimal("375.00")
    sheet = books.report("BalanceSheet", **PERIOD)
    (net,) = [r for r in data_rows(sheet) if r[0]["value"] == "Net Income"]
    assert money(net[1]["value"]) == summary(pl, "NetIncome")
    income = [a for a in books.accounts() if a["AccountType"] == "Income"]
    assert summary(pl, "Income") == -sum(
        (Decimal(0) - Decimal(str(a["CurrentBalance"])) for a in income), Decimal(0)
    )
    for_ana = books.report("ProfitAndLoss", customer=books.ana["Id"], **PERIOD)
    assert summary(for_ana, "Income") == Decimal("380.00")
    assert for_ana["Header"]["Customer"] == books.ana["Id"]


def test_profit_and_loss_by_month_adds_up_to_the_total(books: Books) -> None:
    pl = books.report("ProfitAndLoss", summarize_column_by="Month", **PERIOD)
    titles = [c["ColTitle"] for c in pl["Columns"]["Column"]]
    assert titles == ["", "Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "Total"]
    net = [money(c["value"]) for c in group(pl, "NetIncome")["Summary"]["ColData"][1:]]
    assert sum(net[:-1], Decimal(0)) == net[-1] == Decimal("375.00")
    assert net[0] == Decimal("300.00") - Decimal("90.00")
    assert pl["Header"]["SummarizeColumnsBy"] == "Month"


def test_profit_and_loss_detail_lists_each_posting_and_the_same_net_income(books: Books) -> None:
    detail = books.report("ProfitAndLossDetail", **PERIOD)
    assert summary(detail, "NetIncome", col=-2) == Decimal("375.00")
    assert summary(detail, "Income", col=-2) == Decimal("530.00")
    income_rows = data_rows({"Rows": group(detail, "Income")["Rows"]})
    assert {r[1]["value"] for r in income_rows} == {"Invoice", "Credit Memo", "Sales Receipt"}
    assert income_rows[-1][-1]["value"] == "530.00"


def test_cash_basis_counts_what_was_paid_and_still_balances(books: Books) -> None:
    pl = books.report("ProfitAndLoss", accounting_method="Cash", **PERIOD)
    assert pl["Header"]["ReportBasis"] == "Cash"
    assert summary(pl, "Income") == Decimal("200.00")  # 120 paid on the invoice, 80 receipt
    assert summary(pl, "Expenses") == Decimal("75.00")  # 50 paid on the bill, 25 cheque
    sheet = books.report("BalanceSheet", accounting_method="Cash", **PERIOD)
    assert summary(sheet, "TotalAssets") == summary(sheet, "TotalLiabilitiesAndEquity")
    (net,) = [r for r in data_rows(sheet) if r[0]["value"] == "Net Income"]
    assert money(net[1]["value"]) == Decimal("125.00")
    fault(books.qbo.get("/reports/ProfitAndLoss", accounting_method="Both"), 400, "2170")


def test_cash_flow_ends_at_the_bank_balances(books: Books) -> None:
    flow = books.report("CashFlow", **PERIOD)
    banks = [a for a in books.accounts() if a["AccountType"] == "Bank"]
    ending = sum((Decimal(str(a["CurrentBalance"])) for a in banks), Decimal(0))
    assert summary(flow, "EndingCash") == ending
    assert summary(flow, "CashIncrease") == ending  # nothing before the period
    operating = group(flow, "OperatingActivities")
    assert money(operating["Rows"]["Row"][0]["ColData"][1]["value"]) == Decimal("375.00")


def test_general_ledger_sections_end_at_each_accounts_balance(books: Books) -> None:
    gl = books.report("GeneralLedger", start_date="2026-01-01", end_date="2026-12-31")
    balances = {a["Id"]: Decimal(str(a["CurrentBalance"])) for a in books.accounts()}
    seen = 0
    for sec in gl["Rows"]["Row"]:
        ident = sec["Header"]["ColData"][0]["id"]
        assert money(sec["Summary"]["ColData"][-1]["value"]) == balances[ident]
        seen += 1
    assert seen == len([v for v in balances.values() if v != 0])


def test_transaction_list_has_one_row_per_transaction(books: Books) -> None:
    listing = books.report("TransactionList", **PERIOD)
    rows = data_rows(listing)
    assert len(rows) == 11
    keys = [c["MetaData"][0]["Value"] for c in listing["Columns"]["Column"]]
    by_id = {(r[keys.index("txn_type")]["value"], r[keys.index("txn_type")]["id"]): r for r in rows}
    invoice = by_id[("Invoice", books.inv1["Id"])]
    assert invoice[keys.index("subt_nat_amount")]["value"] == "300.00"
    assert invoice[keys.index("name")]["id"] == books.ana["Id"]
    only_ben = books.report("TransactionList", customer=books.ben["Id"], **PERIOD)
    assert len(data_rows(only_ben)) == 3


def test_customer_balance_is_the_sum_of_the_customers_balances(books: Books) -> None:
    report = books.report("CustomerBalance", **AS_OF)
    customers = {
        c["Id"]: Decimal(str(c["Balance"])) for c in books.qbo.rows("SELECT * FROM Customer")
    }
    rows = {r[0]["id"]: money(r[1]["value"]) for r in data_rows(report)}
    assert rows == {k: v for k, v in customers.items() if v}
    assert summary(report, "GrandTotal") == sum(customers.values(), Decimal(0)) == Decimal("300.00")
    earlier = books.report("CustomerBalance", report_date="2026-01-31")
    assert summary(earlier, "GrandTotal") == Decimal("300.00")  # before the payment
    detail = books.report("CustomerBalanceDetail", **AS_OF)
    assert summary(detail, "GrandTotal", col=-2) == Decimal("300.00")
    ana_rows = [r for r in data_rows(detail) if r[1]["id"] == books.inv1["Id"]]
    assert money(ana_rows[0][5]["value"]) == Decimal(
        str(books.qbo.read("Invoice", books.inv1["Id"])["Balance"])
    )


def test_vendor_balance_is_the_sum_of_the_vendors_balances_and_the_payable(books: Books) -> None:
    report = books.report("VendorBalance", **AS_OF)
    vendors = {v["Id"]: Decimal(str(v["Balance"])) for v in books.qbo.rows("SELECT * FROM Vendor")}
    assert vendors[books.court["Id"]] == Decimal("40.00")
    rows = {r[0]["id"]: money(r[1]["value"]) for r in data_rows(report)}
    assert rows == {k: v for k, v in vendors.items() if v}
    assert summary(report, "GrandTotal") == books.balance("AccountsPayable") == Decimal("80.00")
    detail = books.report("VendorBalanceDetail", **AS_OF)
    assert summary(detail, "GrandTotal", col=-2) == Decimal("80.00")


def test_aged_receivables_total_the_open_balances_by_days_past_due(books: Books) -> None:
    aged = books.report("AgedReceivables", **AS_OF)
    titles = [c["ColTitle"] for c in aged["Columns"]["Column"]]
    assert titles == ["", "Current", "1 - 30", "31 - 60", "61 - 90", "91 and over", "Total"]
    rows = {r[0]["id"]: [money(c["value"]) for c in r[1:]] for r in data_rows(aged)}
    assert rows[books.ana["Id"]] == [0, 0, 0, Decimal("180.00"), 0, Decimal("180.00")]
    assert rows[books.ben["Id"]] == [
        0,
        Decimal("200.00"),
        Decimal("-80.00"),
        0,
        0,
        Decimal("120.00"),
    ]
    open_invoices = sum(
        (Decimal(str(i["Balance"])) for i in books.qbo.rows("SELECT * FROM Invoice")), Decimal(0)
    )
    credits = Decimal("-80.00")  # the credit memo and the unapplied payment
    assert summary(aged, "GrandTotal") == open_invoices + credits
    detail = books.report("AgedReceivableDetail", **AS_OF)
    assert summary(detail, "GrandTotal") == summary(aged, "GrandTotal")
    heads = [r["Header"]["ColData"][0]["value"] for r in detail["Rows"]["Row"] if "Header" in r]
    assert heads == ["1 - 30 days past due", "31 - 60 days past due", "61 - 90 days past due"]
    wider = books.report("AgedReceivables", aging_period="60", num_periods="2", **AS_OF)
    assert [c["ColTitle"] for c in wider["Columns"]["Column"]][1:4] == [
        "Current",
        "1 - 60",
        "61 and over",
    ]


def test_aged_payables_total_the_open_bills(books: Books) -> None:
    aged = books.report("AgedPayables", **AS_OF)
    bills = sum(
        (Decimal(str(b["Balance"])) for b in books.qbo.rows("SELECT * FROM Bill")), Decimal(0)
    )
    assert summary(aged, "GrandTotal") == bills == Decimal("80.00")
    detail = books.report("AgedPayableDetail", **AS_OF)
    assert summary(detail, "GrandTotal") == bills
    names = {r[3]["value"] for r in data_rows(detail)}
    assert names == {"Court Reporters Ltd", "Print Shop"}


def test_sales_by_customer_and_item_add_up_to_income(books: Books) -> None:
    pl = books.report("ProfitAndLoss", **PERIOD)
    sales = books.report("CustomerSales", **PERIOD)
    assert summary(sales, "GrandTotal") == summary(pl, "Income")
    rows = {r[0]["id"]: money(r[1]["value"]) for r in data_rows(sales)}
    assert rows == {books.ana["Id"]: Decimal("380.00"), books.ben["Id"]: Decimal("150.00")}
    items = books.report("ItemSales", **PERIOD)
    assert summary(items, "GrandTotal", col=2) == summary(pl, "Income")
    income = books.report("CustomerIncome", **PERIOD)
    assert summary(income, "GrandTotal", col=1) == summary(pl, "Income")
    assert summary(income, "GrandTotal", col=3) == summary(pl, "Income")  # no client costs


def test_expenses_by_vendor_add_up_to_the_expenses(books: Books) -> None:
    pl = books.report("ProfitAndLoss", **PERIOD)
    spent = books.report("VendorExpenses", **PERIOD)
    assert summary(spent, "GrandTotal") == summary(pl, "Expenses") == Decimal("155.00")
    rows = {r[0]["id"]: money(r[1]["value"]) for r in data_rows(spent)}
    assert rows == {books.court["Id"]: Decimal("90.00"), books.print["Id"]: Decimal("65.00")}


def test_inventory_valuation_matches_the_inventory_asset_account(qbo: Qbo) -> None:
    report = qbo.get("/reports/InventoryValuationSummary").json()
    assert report["Header"]["ReportName"] == "InventoryValuationSummary"
    inventory = [
        a for a in qbo.rows("SELECT * FROM Account") if a.get("AccountSubType") == "Inventory"
    ]
    held = sum((Decimal(str(a["CurrentBalance"])) for a in inventory), Decimal(0))
    assert summary(report, "GrandTotal", col=3) == held
    assert [c["ColTitle"] for c in report["Columns"]["Column"]] == [
        "",
        "SKU",
        "Qty",
        "Asset Value",
        "Calc. Avg",
    ]


def test_date_macros_and_bad_parameters(books: Books) -> None:
    now = datetime.fromisoformat(books.qbo.control.post("/_sandbox/clock", json={}).json()["now"])
    today = now.astimezone(timezone(timedelta(hours=-8))).date()
    ytd = books.report("ProfitAndLoss", date_macro="This Fiscal Year-to-date")
    assert (ytd["Header"]["StartPeriod"], ytd["Header"]["EndPeriod"]) == (
        f"{today.year}-01-01",
        today.isoformat(),
    )
    assert ytd["Header"]["DateMacro"] == "This Fiscal Year-to-date"
    last = books.report("ProfitAndLoss", date_macro="last month")
    first_of_month = today.replace(day=1)
    assert last["Header"]["EndPeriod"] == (first_of_month - timedelta(days=1)).isoformat()
    assert (
        last["Header"]["StartPeriod"]
        == (first_of_month - timedelta(days=1)).replace(day=1).isoformat()
    )
    fault(books.qbo.get("/reports/BalanceSheet", end_date="15/04/2026"), 400, "2060", "end_date")
    fault(
        books.qbo.get("/reports/AgedReceivables", report_date="2026-13-01"),
        400,
        "2060",
        "report_date",
    )
    fault(
        books.qbo.get("/reports/AgedPayables", aging_period="thirty"), 400, "2090", "aging_period"
    )
    fault(books.qbo.get("/reports/NoSuchReport"), 400, "500")
    assert books.qbo.get("/reports/balancesheet").json()["Header"]["ReportName"] == "BalanceSheet"


def test_an_empty_profit_and_loss_is_shaped_as_qbo_answers_it(qbo: Qbo) -> None:
    """As recorded from QBO for a period without postings: five groups, empty totals."""
    pl = qbo.get("/reports/ProfitAndLoss", start_date="2015-01-01", end_date="2015-07-31").json()
    assert [r["group"] for r in pl["Rows"]["Row"]] == [
        "Income",
        "GrossProfit",
        "Expenses",
        "NetOperatingIncome",
        "NetIncome",
    ]
    assert all(r["Summary"]["ColData"][1]["value"] == "" for r in pl["Rows"]["Row"])
    assert pl["Header"]["Option"] == [
        {"Name": "AccountingStandard", "Value": "GAAP"},
        {"Name": "NoReportData", "Value": "true"},
    ]
    assert "DateMacro" not in pl["Header"]
    keys = [c["MetaData"][-1]["Value"] for c in pl["Columns"]["Column"]]
    assert keys == ["account", "total"]


def test_default_periods_are_named_in_the_header(qbo: Qbo) -> None:
    ledger = qbo.get("/reports/GeneralLedger").json()["Header"]
    assert ledger["DateMacro"] == "this month-to-date"
    assert ledger["StartPeriod"] == ledger["EndPeriod"][:8] + "01"
    summary = qbo.get("/reports/ProfitAndLoss").json()["Header"]
    assert summary["DateMacro"] == "this calendar year-to-date"
    assert summary["StartPeriod"] == summary["EndPeriod"][:4] + "-01-01"


def test_quarters_and_nested_sub_accounts(books: Books) -> None:
    qbo = books.qbo
    parent = qbo.accounts["OfficeExpenses"]
    child = qbo.create(
        "Account",
        {
            "Name": "Postage",
            "AccountType": "Expense",
            "SubAccount": True,
            "ParentRef": {"value": parent},
        },
    )
    qbo.create(
        "Purchase",
        purchase(qbo, expense_line(10, child["Id"]), pay="Check", TxnDate="2026-04-02"),
    )
    pl = books.report("ProfitAndLoss", summarize_column_by="Quarter", **PERIOD)
    titles = [c["ColTitle"] for c in pl["Columns"]["Column"]]
    assert titles == ["", "Q1 2026", "Q2 2026", "Total"]
    expenses = group(pl, "Expenses")
    (office,) = [r for r in expenses["Rows"]["Row"] if r.get("type") == "Section"]
    assert office["Header"]["ColData"][0] == {"value": "Office Expenses", "id": parent}
    assert office["Summary"]["ColData"][-1]["value"] == "125.00"  # 90 + 25 + the 10 below
    assert [c["value"] for c in office["Summary"]["ColData"][1:]] == ["115.00", "10.00", "125.00"]
    sheet = books.report("BalanceSheet", **PERIOD)
    assert summary(sheet, "TotalAssets") == summary(sheet, "TotalLiabilitiesAndEquity")


def test_profit_and_loss_by_customer_has_a_column_per_customer(books: Books) -> None:
    pl = books.report("ProfitAndLoss", summarize_column_by="Customers", **PERIOD)
    titles = [c["ColTitle"] for c in pl["Columns"]["Column"]]
    assert titles == ["", "Ana Reports", "Ben Reports", "Not Specified", "TOTAL"]
    assert pl["Header"]["SummarizeColumnsBy"] == "Customers"
    income = [money(c["value"]) for c in group(pl, "Income")["Summary"]["ColData"][1:]]
    assert income == [Decimal("380.00"), Decimal("150.00"), Decimal(0), Decimal("530.00")]
    net = [money(c["value"]) for c in group(pl, "NetIncome")["Summary"]["ColData"][1:]]
    assert sum(net[:-1], Decimal(0)) == net[-1] == Decimal("375.00")
