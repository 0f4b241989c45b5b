"""Reports read straight off the postings: the TrialBalance (every account's balance as of the
end date), the GeneralLedger (each account's postings with a running balance) and the
TransactionList (one row per transaction of the period)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..company import Company
from ..ledger import DEBIT_NORMAL
from ..wire import money, response_time
from . import books
from .frame import MONTH_TO_DATE, basis, ids, period

ZERO = Decimal("0")


def trial_balance(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    span = period(c, now, params)
    start, end = span.start, span.end
    method = basis(c, params)
    totals = books.balances(c, end, method)
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
    return _drop_empty_macro(
        {
            "Header": {
                "Time": response_time(now, c.tz),
                "ReportName": "TrialBalance",
                "DateMacro": span.macro or "",
                "ReportBasis": method,
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
    )


def _drop_empty_macro(report: dict[str, Any]) -> dict[str, Any]:
    """The header names a date macro only when one chose the period."""
    if not report["Header"].get("DateMacro"):
        report["Header"].pop("DateMacro", None)
    return report


# GeneralLedger columns the sandbox fills: key -> (ColTitle, kind of value); on the wire the
# key is the column's ColType. The default set is all of them, in this order; ``columns=``
# picks some (unknown keys are left out).
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


def general_ledger(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    """A minimal GeneralLedger: a section per account with postings in the period (or a
    beginning balance), each posting a row, amounts signed as the account grows (a credit
    raises a liability). ``account``, ``customer``, ``vendor`` and ``employee`` take
    comma-separated ids and keep only the postings of those accounts and names."""
    span = period(c, now, params, MONTH_TO_DATE)
    start, end = span.start, span.end
    method = basis(c, params)
    wanted = [k.strip() for k in (params.get("columns") or "").split(",") if k.strip()]
    keys = [k for k in wanted if k in GL_COLUMNS] or list(GL_COLUMNS)
    accounts = ids(params, "account")
    names: set[str] | None = None
    for kind in ("Customer", "Vendor", "Employee"):
        chosen = ids(params, kind.lower())
        if chosen is not None:
            names = (names or set()) | {f"{kind}:{i}" for i in chosen}

    opening: dict[str, Decimal] = {}
    rows: dict[str, list[tuple[tuple[str, str, int], dict[str, Any]]]] = {}
    grouped: dict[tuple[str, str], list[books.Entry]] = {}
    for entry in books.entries(c, method):
        grouped.setdefault((entry.entity, entry.ident), []).append(entry)
    for (entity, ident), group in grouped.items():
        data = group[0].data
        postings = [e.posting for e in group]
        for e in group:
            p = e.posting
            if p.txn_date > end or (accounts is not None and p.account_id not in accounts):
                continue
            party = books.party(e)
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
                "txn_type": {"value": books.txn_type(entity, data), "id": ident},
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
        # A section with only its beginning balance has an empty total, as QBO answers.
        if "subt_nat_amount" in total and lines:
            total["subt_nat_amount"] = {"value": f"{change:.2f}"}
        if "rbal_nat_amount" in total and lines:
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
    return _drop_empty_macro(
        {
            "Header": {
                "Time": response_time(now, c.tz),
                "ReportName": "GeneralLedger",
                "DateMacro": span.macro or "",
                "ReportBasis": method,
                "StartPeriod": start,
                "EndPeriod": end,
                "Currency": c.home_currency,
                "Option": [{"Name": "NoReportData", "Value": "false" if sections else "true"}],
            },
            # As recorded from QBO: a GeneralLedger column's ColType is its key.
            "Columns": {"Column": [{"ColTitle": GL_COLUMNS[k][0], "ColType": k} for k in keys]},
            "Rows": {"Row": sections},
        }
    )


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


TL_COLUMNS: dict[str, tuple[str, str]] = {
    "tx_date": ("Date", "Date"),
    "txn_type": ("Transaction Type", "String"),
    "doc_num": ("Num", "String"),
    "is_no_post": ("Posting", "Boolean"),
    "name": ("Name", "String"),
    "memo": ("Memo/Description", "String"),
    "account_name": ("Account", "String"),
    "other_account": ("Split", "String"),
    "subt_nat_amount": ("Amount", "Money"),
}
# Entities listed by TransactionList beyond those with postings (they post nothing).
NON_POSTING = ("Estimate", "PurchaseOrder")


def transaction_list(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    """One row per transaction dated in the period: its main account (the first posting's:
    the receivable of an invoice, the bank of a cheque), the other side ("-Split-" when it
    has several) and its amount, signed as the main account moves."""
    span = period(c, now, params, MONTH_TO_DATE)
    wanted = [k.strip() for k in (params.get("columns") or "").split(",") if k.strip()]
    keys = [k for k in wanted if k in TL_COLUMNS] or list(TL_COLUMNS)
    names: set[str] | None = None
    for kind in ("Customer", "Vendor", "Employee"):
        chosen = ids(params, kind.lower())
        if chosen is not None:
            names = (names or set()) | {f"{kind}:{i}" for i in chosen}
    listed: list[tuple[tuple[str, str, int], dict[str, dict[str, str]]]] = []
    keys_with_postings = list(c.postings)
    for entity in NON_POSTING:
        keys_with_postings.extend((entity, i) for i in c.table(entity))
    for entity, ident in keys_with_postings:
        rec = c.get(entity, ident)
        if rec is None:
            continue
        data = rec.data
        day = str(data.get("TxnDate") or "")
        if not (span.start <= day <= span.end):
            continue
        postings = c.postings.get((entity, ident), [])
        first = books.Entry(entity, ident, data, postings[0]) if postings else None
        party = books.party(first) if first else _doc_party(data)
        if names is not None and party not in names:
            continue
        main = postings[0].account_id if postings else None
        others = {p.account_id for p in postings[1:] if p.account_id != main}
        amount = postings[0].amount if postings else Decimal(str(data.get("TotalAmt", 0)))
        if main is not None and not books.debit_normal(c, main):
            amount = -amount
        cells = {
            "tx_date": {"value": day},
            "txn_type": {"value": books.txn_type(entity, data), "id": ident},
            "doc_num": {"value": str(data.get("DocNumber") or "")},
            "is_no_post": {"value": "No" if not postings else "Yes"},
            "name": _name_cell(c, party),
            "memo": {"value": str(data.get("PrivateNote") or "")},
            "account_name": _split_cell(c, {main}) if main else {"value": ""},
            "other_account": _split_cell(c, others),
            "subt_nat_amount": {"value": f"{money(amount):.2f}"},
        }
        order = (day, entity, int(ident) if ident.isdigit() else 0)
        listed.append((order, cells))
    listed.sort(key=lambda item: item[0])
    rows = [{"ColData": [cells[k] for k in keys], "type": "Data"} for _, cells in listed]
    head: dict[str, Any] = {"Time": response_time(now, c.tz), "ReportName": "TransactionList"}
    if span.macro:
        head["DateMacro"] = span.macro
    head.update(
        {
            "StartPeriod": span.start,
            "EndPeriod": span.end,
            "Currency": c.home_currency,
            "Option": [{"Name": "NoReportData", "Value": "false" if rows else "true"}],
        }
    )
    cols = [
        {
            "ColTitle": TL_COLUMNS[k][0],
            "ColType": TL_COLUMNS[k][1],
            "MetaData": [{"Name": "ColKey", "Value": k}],
        }
        for k in keys
    ]
    return {"Header": head, "Columns": {"Column": cols}, "Rows": {"Row": rows}}


def _doc_party(data: dict[str, Any]) -> str | None:
    for field, kind in (("CustomerRef", "Customer"), ("VendorRef", "Vendor")):
        ref = data.get(field)
        if isinstance(ref, dict) and ref.get("value"):
            return f"{kind}:{ref['value']}"
    return None
