"""Reports computed from the ledger postings: the TrialBalance (every posting dated on or
before the end date) and a minimal GeneralLedger (one account's postings, one name's)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from .company import Company, Posting
from .faults import InvalidDateFormat, UnsupportedOperation
from .ledger import DEBIT_NORMAL
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


# GeneralLedger columns the sandbox fills: ColKey -> (ColTitle, ColType). The default set is
# all of them, in this order; ``columns=`` picks some (unknown keys are left out).
GL_COLUMNS: dict[str, tuple[str, str]] = {
    "tx_date": ("Date", "Date"),
    "txn_type": ("Transaction Type", "String"),
    "doc_num": ("Num", "String"),
    "name": ("Name", "String"),
    "memo": ("Memo/Description", "String"),
    "split_acc": ("Split", "String"),
    "subt_nat_amount": ("Amount", "Money"),
    "rbal_nat_amount": ("Balance", "Money"),
}
TXN_TYPES = {
    "JournalEntry": "Journal Entry",
    "Invoice": "Invoice",
    "CreditMemo": "Credit Memo",
    "Payment": "Payment",
    "Deposit": "Deposit",
    "SalesReceipt": "Sales Receipt",
    "Transfer": "Transfer",
    "Bill": "Bill",
}
PARTY_REFS = (("CustomerRef", "Customer"), ("VendorRef", "Vendor"))


def _dates(c: Company, now: float, params: dict[str, str]) -> tuple[str, str]:
    today = datetime.fromtimestamp(now, c.tz).date()
    end = params.get("end_date") or today.isoformat()
    start = params.get("start_date") or f"{end[:4]}-01-01"
    for text, name in ((end, "end_date"), (start, "start_date")):
        try:
            datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise InvalidDateFormat(f"Invalid Date Format : {text}", name) from None
    return start, end


def _ids(params: dict[str, str], name: str) -> set[str] | None:
    raw = params.get(name)
    if not raw:
        return None
    return {part.strip() for part in raw.split(",") if part.strip()}


def _txn_type(entity: str, data: dict[str, Any]) -> str:
    if entity == "Purchase":
        kind = data.get("PaymentType")
        if kind == "Check":
            return "Check"
        if kind == "CreditCard":
            return "Credit Card Credit" if data.get("Credit") else "Credit Card Expense"
        return "Expense"
    if entity == "BillPayment":
        return f"Bill Payment ({'Check' if data.get('PayType') == 'Check' else 'Credit Card'})"
    return TXN_TYPES.get(entity, entity)


def _party(posting: Posting, data: dict[str, Any]) -> str | None:
    """The posting's name: its own (journal Entity, expense line customer, payee), else the
    transaction's customer or vendor."""
    if posting.party:
        return posting.party
    for field, kind in PARTY_REFS:
        ref = data.get(field)
        if isinstance(ref, dict) and ref.get("value"):
            return f"{kind}:{ref['value']}"
    ref = data.get("EntityRef")
    if isinstance(ref, dict) and ref.get("value"):
        return f"{ref.get('type') or 'Vendor'}:{ref['value']}"
    return None


def general_ledger(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    """A minimal GeneralLedger: a section per account with postings in the period (or a
    beginning balance), each posting a row, amounts signed as the account grows (a credit
    raises a liability). ``account``, ``customer``, ``vendor`` and ``employee`` take
    comma-separated ids and keep only the postings of those accounts and names."""
    start, end = _dates(c, now, params)
    wanted = [k.strip() for k in (params.get("columns") or "").split(",") if k.strip()]
    keys = [k for k in wanted if k in GL_COLUMNS] or list(GL_COLUMNS)
    accounts = _ids(params, "account")
    names: set[str] | None = None
    for kind in ("Customer", "Vendor", "Employee"):
        ids = _ids(params, kind.lower())
        if ids is not None:
            names = (names or set()) | {f"{kind}:{i}" for i in ids}

    opening: dict[str, Decimal] = {}
    rows: dict[str, list[tuple[tuple[str, str, int], dict[str, Any]]]] = {}
    for (entity, ident), postings in c.postings.items():
        rec = c.get(entity, ident)
        data = rec.data if rec else {}
        for p in postings:
            if p.txn_date > end or (accounts is not None and p.account_id not in accounts):
                continue
            party = _party(p, data)
            if names is not None and party not in names:
                continue
            account = c.get("Account", p.account_id)
            debit_normal = account is None or account.data.get("Classification") in DEBIT_NORMAL
            amount = p.amount if debit_normal else -p.amount
            if p.txn_date < start:
                opening[p.account_id] = opening.get(p.account_id, ZERO) + amount
                continue
            others = {q.account_id for q in postings if q.account_id != p.account_id}
            cells = {
                "tx_date": {"value": p.txn_date},
                "txn_type": {"value": _txn_type(entity, data), "id": ident},
                "doc_num": {"value": str(data.get("DocNumber") or "")},
                "name": _name_cell(c, party),
                "memo": {"value": p.memo or ""},
                "split_acc": _split_cell(c, others),
                "subt_nat_amount": {"value": f"{money(amount):.2f}"},
            }
            order = (p.txn_date, entity, int(ident) if ident.isdigit() else 0)
            rows.setdefault(p.account_id, []).append((order, cells))

    sections = []
    for rec in sorted(
        c.table("Account").values(), key=lambda r: r.data["FullyQualifiedName"].casefold()
    ):
        acct_id = rec.data["Id"]
        begin = money(opening.get(acct_id, ZERO))
        lines = sorted(rows.get(acct_id, []), key=lambda item: item[0])
        if not lines and begin == 0:
            continue
        balance = begin
        data_rows = []
        if begin != 0:
            first = {k: {"value": ""} for k in keys}
            first[keys[0]] = {"value": "Beginning Balance"}
            if "rbal_nat_amount" in first:
                first["rbal_nat_amount"] = {"value": f"{begin:.2f}"}
            data_rows.append({"ColData": [first[k] for k in keys], "type": "Data"})
        change = ZERO
        for _, cells in lines:
            amount = Decimal(cells["subt_nat_amount"]["value"])
            change += amount
            balance += amount
            cells["rbal_nat_amount"] = {"value": f"{balance:.2f}"}
            data_rows.append({"ColData": [cells[k] for k in keys], "type": "Data"})
        fqn = rec.data["FullyQualifiedName"]
        total = {k: {"value": ""} for k in keys}
        total[keys[0]] = {"value": f"Total for {fqn}"}
        if "subt_nat_amount" in total:
            total["subt_nat_amount"] = {"value": f"{change:.2f}"}
        if "rbal_nat_amount" in total:
            total["rbal_nat_amount"] = {"value": f"{balance:.2f}"}
        header = [{"value": fqn, "id": acct_id}] + [{"value": ""} for _ in keys[1:]]
        sections.append(
            {
                "Header": {"ColData": header},
                "Rows": {"Row": data_rows},
                "Summary": {"ColData": [total[k] for k in keys]},
                "type": "Section",
            }
        )
    return {
        "Header": {
            "Time": response_time(now, c.tz),
            "ReportName": "GeneralLedger",
            "DateMacro": params.get("date_macro", ""),
            "ReportBasis": params.get("accounting_method", "Accrual"),
            "StartPeriod": start,
            "EndPeriod": end,
            "Currency": c.home_currency,
            "Option": [{"Name": "NoReportData", "Value": "false" if sections else "true"}],
        },
        "Columns": {
            "Column": [
                {
                    "ColTitle": GL_COLUMNS[k][0],
                    "ColType": GL_COLUMNS[k][1],
                    "MetaData": [{"Name": "ColKey", "Value": k}],
                }
                for k in keys
            ]
        },
        "Rows": {"Row": sections},
    }


def _name_cell(c: Company, party: str | None) -> dict[str, str]:
    if not party:
        return {"value": ""}
    kind, _, ident = party.partition(":")
    rec = c.get(kind, ident)
    return {"value": str(rec.data.get("DisplayName", "")) if rec else "", "id": ident}


def _split_cell(c: Company, others: set[str]) -> dict[str, str]:
    if len(others) != 1:
        return {"value": "-Split-" if others else ""}
    (other,) = others
    rec = c.get("Account", other)
    return {"value": str(rec.data["FullyQualifiedName"]) if rec else "", "id": other}


def report(c: Company, now: float, name: str, params: dict[str, str]) -> dict[str, Any]:
    if name == "TrialBalance":
        return trial_balance(c, now, params)
    if name == "GeneralLedger":
        return general_ledger(c, now, params)
    raise UnsupportedOperation(f"Report {name} is not emulated by the sandbox.", "")
