"""Reports: the TrialBalance, computed from every posting dated on or before the end date."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from .company import Company
from .faults import InvalidDateFormat, UnsupportedOperation
from .wire import money, response_time

ZERO = Decimal("0")


def trial_balance(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    today = datetime.fromtimestamp(now, c.tz).date()
    end = params.get("end_date") or today.isoformat()
    start = params.get("start_date") or f"{end[:4]}-01-01"
    for text, name in ((end, "end_date"), (start, "start_date")):
        try:
            datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise InvalidDateFormat(f"Invalid Date Format : {text}", name) from None
    totals = _balances(c, end)
    rows = []
    debit_total = credit_total = ZERO
    accounts = sorted(
        c.table("Account").values(), key=lambda r: r.data["FullyQualifiedName"].casefold()
    )
    for rec in accounts:
        value = money(totals.get(rec.data["Id"], ZERO))
        if value == 0:
            continue
        debit = value if value > 0 else ZERO
        credit = -value if value < 0 else ZERO
        debit_total += debit
        credit_total += credit
        rows.append(
            {
                "ColData": [
                    {"value": rec.data["FullyQualifiedName"], "id": rec.data["Id"]},
                    {"value": f"{debit:.2f}" if debit else ""},
                    {"value": f"{credit:.2f}" if credit else ""},
                ]
            }
        )
    return {
        "Header": {
            "Time": response_time(now, c.tz),
            "ReportName": "TrialBalance",
            "DateMacro": params.get("date_macro", ""),
            "ReportBasis": params.get("accounting_method", "Accrual"),
            "StartPeriod": start,
            "EndPeriod": end,
            "SummarizeColumnsBy": "Total",
            "Currency": c.home_currency,
            "Option": [{"Name": "NoReportData", "Value": "false" if rows else "true"}],
        },
        "Columns": {
            "Column": [
                {"ColTitle": "", "ColType": "Account"},
                {"ColTitle": "Debit", "ColType": "Money"},
                {"ColTitle": "Credit", "ColType": "Money"},
            ]
        },
        "Rows": {
            "Row": [
                *rows,
                {
                    "Summary": {
                        "ColData": [
                            {"value": "TOTAL"},
                            {"value": f"{debit_total:.2f}"},
                            {"value": f"{credit_total:.2f}"},
                        ]
                    },
                    "type": "Section",
                    "group": "GrandTotal",
                },
            ]
        },
    }


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fiscal_year_start(c: Company, end: str) -> str:
    prefs = c.get("Preferences", "1")
    month_name = ((prefs.data if prefs else {}).get("AccountingInfoPrefs") or {}).get(
        "FirstMonthOfFiscalYear", "January"
    )
    month = MONTHS.index(month_name) + 1 if month_name in MONTHS else 1
    year, end_month = int(end[:4]), int(end[5:7])
    return f"{year if end_month >= month else year - 1:04d}-{month:02d}-01"


def _balances(c: Company, end: str) -> dict[str, Decimal]:
    """Balances as of ``end``: income and expense accounts count from the start of the
    fiscal year, earlier years' net income sits in Retained Earnings, as in QBO."""
    fy_start = fiscal_year_start(c, end)
    retained = c.account_by_subtype("RetainedEarnings")
    totals: dict[str, Decimal] = {}
    for postings in c.postings.values():
        for p in postings:
            if p.txn_date > end:
                continue
            account = c.get("Account", p.account_id)
            profit_and_loss = account is not None and account.data.get("Classification") in (
                "Revenue",
                "Expense",
            )
            target = p.account_id
            if profit_and_loss and p.txn_date < fy_start and retained is not None:
                target = retained.data["Id"]
            totals[target] = totals.get(target, ZERO) + p.amount
    return totals


def report(c: Company, now: float, name: str, params: dict[str, str]) -> dict[str, Any]:
    if name == "TrialBalance":
        return trial_balance(c, now, params)
    raise UnsupportedOperation(f"Report {name} is not emulated by the sandbox.", "")
