"""The financial statements: BalanceSheet, ProfitAndLoss (summary and detail) and CashFlow,
laid out in the report service's nested sections (a section per account group, a section per
parent account with sub-accounts, a summary row closing each)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Union

from ..company import Company, Record
from . import books
from .frame import (
    ZERO,
    Period,
    basis,
    cell,
    column_periods,
    columns,
    data_row,
    header,
    period,
    report,
    section,
    text,
)

# (title, group, summary title, children): children are nested layouts or account types.
Layout = tuple[str, str, str, list[Union["Layout", str]]]

BALANCE_SHEET: list[Layout] = [
    (
        "ASSETS",
        "TotalAssets",
        "TOTAL ASSETS",
        [
            (
                "Current Assets",
                "CurrentAssets",
                "Total Current Assets",
                [
                    ("Bank Accounts", "BankAccounts", "Total Bank Accounts", ["Bank"]),
                    (
                        "Accounts Receivable",
                        "AR",
                        "Total Accounts Receivable",
                        ["Accounts Receivable"],
                    ),
                    (
                        "Other Current Assets",
                        "OtherCurrentAssets",
                        "Total Other Current Assets",
                        ["Other Current Asset"],
                    ),
                ],
            ),
            ("Fixed Assets", "FixedAssets", "Total Fixed Assets", ["Fixed Asset"]),
            ("Other Assets", "OtherAssets", "Total Other Assets", ["Other Asset"]),
        ],
    ),
    (
        "LIABILITIES AND EQUITY",
        "TotalLiabilitiesAndEquity",
        "TOTAL LIABILITIES AND EQUITY",
        [
            (
                "Liabilities",
                "Liabilities",
                "Total Liabilities",
                [
                    (
                        "Current Liabilities",
                        "CurrentLiabilities",
                        "Total Current Liabilities",
                        [
                            (
                                "Accounts Payable",
                                "AP",
                                "Total Accounts Payable",
                                ["Accounts Payable"],
                            ),
                            ("Credit Cards", "CreditCards", "Total Credit Cards", ["Credit Card"]),
                            (
                                "Other Current Liabilities",
                                "OtherCurrentLiabilities",
                                "Total Other Current Liabilities",
                                ["Other Current Liability"],
                            ),
                        ],
                    ),
                    (
                        "Long-Term Liabilities",
                        "LongTermLiabilities",
                        "Total Long-Term Liabilities",
                        ["Long Term Liability"],
                    ),
                ],
            ),
            ("Equity", "Equity", "Total Equity", ["Equity"]),
        ],
    ),
]
CREDIT_SIDE = {"TotalLiabilitiesAndEquity", "Income", "OtherIncome"}
# Profit and loss: the groups in order, then the summary-only rows computed from them.
PROFIT_AND_LOSS: list[tuple[str, str, str, str]] = [
    ("Income", "Income", "Total Income", "Income"),
    ("Cost of Goods Sold", "COGS", "Total Cost of Goods Sold", "Cost of Goods Sold"),
    ("Expenses", "Expenses", "Total Expenses", "Expense"),
    ("Other Income", "OtherIncome", "Total Other Income", "Other Income"),
    ("Other Expenses", "OtherExpenses", "Total Other Expenses", "Other Expense"),
]


def _blank(n: int) -> list[dict[str, str]]:
    return [cell("") for _ in range(n)]


def account_rows(
    c: Company, accounts: list[Record], values: list[dict[str, Decimal]]
) -> tuple[list[dict[str, Any]], list[Decimal]]:
    """Rows for a group's accounts (sub-accounts nested in a section under their parent,
    accounts without a balance in any column left out) and the group's totals per column."""
    ids = {r.data["Id"] for r in accounts}
    children: dict[str, list[Record]] = {}
    tops: list[Record] = []
    for rec in accounts:
        parent = str((rec.data.get("ParentRef") or {}).get("value") or "")
        if parent in ids:
            children.setdefault(parent, []).append(rec)
        else:
            tops.append(rec)

    def render(rec: Record) -> tuple[list[dict[str, Any]], list[Decimal]]:
        ident = rec.data["Id"]
        own = [v.get(ident, ZERO) for v in values]
        name = str(rec.data.get("Name") or rec.data["FullyQualifiedName"])
        kids = [render(k) for k in children.get(ident, [])]
        kid_rows = [row for rows, _ in kids for row in rows]
        totals = [own[i] + sum((k[1][i] for k in kids), ZERO) for i in range(len(values))]
        if not kid_rows:
            if all(v == 0 for v in own):
                return [], totals
            return [data_row([cell(name, ident), *(cell(text(v)) for v in own)])], totals
        inner = []
        if any(v != 0 for v in own):
            inner.append(data_row([cell(name, ident), *(cell(text(v)) for v in own)]))
        inner.extend(kid_rows)
        return [
            section(
                [cell(name, ident), *_blank(len(values))],
                inner,
                [cell(f"Total {name}"), *(cell(text(v)) for v in totals)],
            )
        ], totals

    rows: list[dict[str, Any]] = []
    totals = [ZERO] * len(values)
    for rec in tops:
        part, sums = render(rec)
        rows.extend(part)
        totals = [a + b for a, b in zip(totals, sums, strict=True)]
    return rows, totals


def _of_types(c: Company, types: list[str]) -> list[Record]:
    return [r for r in books.sorted_accounts(c) if r.data.get("AccountType") in types]


def _natural(values: list[dict[str, Decimal]], credit: bool) -> list[dict[str, Decimal]]:
    return [{k: -v for k, v in col.items()} if credit else col for col in values]


def _layout_rows(
    c: Company,
    layout: Layout,
    raw: list[dict[str, Decimal]],
    credit: bool,
    extra: dict[str, tuple[list[dict[str, Any]], list[Decimal]]],
    keep: bool = False,
) -> tuple[dict[str, Any] | None, list[Decimal]]:
    title, group, summary, children = layout
    credit = credit or group in CREDIT_SIDE
    rows: list[dict[str, Any]] = []
    totals = [ZERO] * len(raw)
    types = [ch for ch in children if isinstance(ch, str)]
    if types:
        part, sums = account_rows(c, _of_types(c, types), _natural(raw, credit))
        rows.extend(part)
        totals = sums
    for child in children:
        if not isinstance(child, str):
            sub, sums = _layout_rows(c, child, raw, credit, extra)
            if sub is not None:
                rows.append(sub)
                totals = [a + b for a, b in zip(totals, sums, strict=True)]
    if group in extra:
        more, sums = extra[group]
        rows.extend(more)
        totals = [a + b for a, b in zip(totals, sums, strict=True)]
    if not rows and not keep:
        return None, totals
    return (
        section(
            [cell(title), *_blank(len(raw))],
            rows,
            [cell(summary), *(cell(text(v)) for v in totals)],
            group,
        ),
        totals,
    )


def net_income(c: Company, values: dict[str, Decimal]) -> Decimal:
    return -sum((v for k, v in values.items() if books.is_profit_and_loss(c, k)), ZERO)


def balance_sheet(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    span = period(c, now, params)
    method = basis(c, params)
    by, periods = column_periods(c, span, params)
    raw = [books.balances(c, end, method) for _, _, end in periods]
    incomes = [net_income(c, col) for col in raw]
    net_row = data_row([cell("Net Income"), *(cell(text(v)) for v in incomes)])
    extra = {"Equity": ([net_row], incomes)}
    rows = []
    for layout in BALANCE_SHEET:
        sec, _ = _layout_rows(c, layout, raw, False, extra, keep=True)
        if sec is not None:
            rows.append(sec)
    no_data = all(v == 0 for col in raw for v in col.values())
    head = header(
        c,
        now,
        "BalanceSheet",
        params,
        span,
        no_data=no_data,
        report_basis=method,
        summarize=by,
        standard=True,
    )
    return report(head, _money_columns(periods), rows)


def _money_columns(periods: list[tuple[str, str, str]]) -> dict[str, Any]:
    """The account column and one money column per period, keyed as QBO keys them
    (``account``, ``total``; a period column also names its dates)."""
    out: list[dict[str, Any]] = [
        {"ColTitle": "", "ColType": "Account", "MetaData": [{"Name": "ColKey", "Value": "account"}]}
    ]
    for title, start, end in periods:
        meta = [{"Name": "ColKey", "Value": "total" if title == "Total" else title}]
        if title != "Total":
            meta = [{"Name": "StartDate", "Value": start}, {"Name": "EndDate", "Value": end}, *meta]
        out.append({"ColTitle": title, "ColType": "Money", "MetaData": meta})
    return {"Column": out}


def profit_and_loss(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    span = period(c, now, params)
    method = basis(c, params)
    names = _name_filter(params)
    party_kind = PARTY_COLUMNS.get((params.get("summarize_column_by") or "").lower())
    if party_kind is not None:
        by, raw, cols = _by_party(c, span, method, names, party_kind)
    else:
        by, periods = column_periods(c, span, params)
        raw = [_pl_activity(c, start, end, method, names) for _, start, end in periods]
        cols = _money_columns(periods)
    n = len(raw)
    no_data = all(v == 0 for col in raw for v in col.values())
    group_totals: dict[str, list[Decimal]] = {}
    rows: list[dict[str, Any]] = []

    def amounts(values: list[Decimal], shown: bool = True) -> list[dict[str, str]]:
        """Money cells; an empty report (or group) has empty totals, as QBO answers."""
        return [cell(text(v) if shown and not no_data else "") for v in values]

    def summary_only(title: str, group: str, values: list[Decimal]) -> None:
        rows.append(section(None, [], [cell(title), *amounts(values)], group))

    parts = {}
    for _, group, _, acct_type in PROFIT_AND_LOSS:
        credit = group in CREDIT_SIDE
        parts[group] = account_rows(c, _of_types(c, [acct_type]), _natural(raw, credit))
        group_totals[group] = parts[group][1]
    # Income and Expenses always show; Cost of Goods Sold and the Other groups only when they
    # hold something (a recorded empty report has neither).
    has_other = bool(parts["OtherIncome"][0] or parts["OtherExpenses"][0])
    shown = {"Income", "Expenses"}
    if parts["COGS"][0]:
        shown.add("COGS")
    if has_other:
        shown |= {"OtherIncome", "OtherExpenses"}
    for title, group, total_title, _ in PROFIT_AND_LOSS:
        part, sums = parts[group]
        if group in shown:
            rows.append(
                section(
                    [cell(title), *_blank(n)],
                    part,
                    [cell(total_title), *amounts(sums, bool(part))],
                    group,
                )
            )
        if group == "COGS":
            gross = [a - b for a, b in zip(group_totals["Income"], sums, strict=True)]
            group_totals["GrossProfit"] = gross
            summary_only("Gross Profit", "GrossProfit", gross)
        if group == "Expenses":
            operating = [a - b for a, b in zip(group_totals["GrossProfit"], sums, strict=True)]
            group_totals["NetOperatingIncome"] = operating
            summary_only("Net Operating Income", "NetOperatingIncome", operating)
    other = [
        a - b
        for a, b in zip(group_totals["OtherIncome"], group_totals["OtherExpenses"], strict=True)
    ]
    if has_other:
        summary_only("Net Other Income", "NetOtherIncome", other)
    net = [a + b for a, b in zip(group_totals["NetOperatingIncome"], other, strict=True)]
    summary_only("Net Income", "NetIncome", net)
    head = header(
        c,
        now,
        "ProfitAndLoss",
        params,
        span,
        no_data=no_data,
        report_basis=method,
        summarize=by,
        standard=True,
    )
    return report(head, cols, rows)


# summarize_column_by values that give a column per name, and the names' entity.
PARTY_COLUMNS = {"customers": "Customer", "vendors": "Vendor", "employees": "Employee"}


def _by_party(
    c: Company, span: Period, method: str, names: set[str] | None, kind: str
) -> tuple[str, list[dict[str, Decimal]], dict[str, Any]]:
    """A column per name with postings in the period (by name), one for postings naming none
    ("Not Specified") when there are such, and the TOTAL."""
    per: dict[str, dict[str, Decimal]] = {}
    total: dict[str, Decimal] = {}
    for e in books.entries(c, method):
        p = e.posting
        if not (span.start <= p.txn_date <= span.end) or not books.is_profit_and_loss(
            c, p.account_id
        ):
            continue
        who = books.party(e)
        if names is not None and who not in names:
            continue
        key = who.partition(":")[2] if who and who.startswith(f"{kind}:") else ""
        column = per.setdefault(key, {})
        column[p.account_id] = column.get(p.account_id, ZERO) + p.amount
        total[p.account_id] = total.get(p.account_id, ZERO) + p.amount
    labelled = sorted(
        ((books.display_name(c, f"{kind}:{k}")[0], k) for k in per if k),
        key=lambda t: t[0].casefold(),
    )
    if "" in per:
        labelled.append(("Not Specified", ""))
    raw = [per[k] for _, k in labelled] + [total]
    out: list[dict[str, Any]] = [
        {"ColTitle": "", "ColType": "Account", "MetaData": [{"Name": "ColKey", "Value": "account"}]}
    ]
    for label, key in labelled:
        meta = [{"Name": "ColKey", "Value": key or "not_specified"}]
        out.append({"ColTitle": label, "ColType": "Money", "MetaData": meta})
    out.append(
        {
            "ColTitle": "TOTAL",
            "ColType": "Money",
            "MetaData": [{"Name": "ColKey", "Value": "total"}],
        }
    )
    return f"{kind}s", raw, {"Column": out}


def _name_filter(params: dict[str, str]) -> set[str] | None:
    names: set[str] | None = None
    for kind in ("Customer", "Vendor", "Employee"):
        raw = params.get(kind.lower())
        if raw:
            names = (names or set()) | {f"{kind}:{p.strip()}" for p in raw.split(",") if p.strip()}
    return names


def _pl_activity(
    c: Company, start: str, end: str, method: str, names: set[str] | None
) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for e in books.entries(c, method):
        p = e.posting
        if not (start <= p.txn_date <= end) or not books.is_profit_and_loss(c, p.account_id):
            continue
        if names is not None and books.party(e) not in names:
            continue
        out[p.account_id] = out.get(p.account_id, ZERO) + p.amount
    return out


PL_DETAIL_COLUMNS = [
    ("Date", "Date", "tx_date"),
    ("Transaction Type", "String", "txn_type"),
    ("Num", "String", "doc_num"),
    ("Name", "String", "name"),
    ("Memo/Description", "String", "memo"),
    ("Split", "String", "split_acc"),
    ("Amount", "Money", "subt_nat_amount"),
    ("Balance", "Money", "rbal_nat_amount"),
]


def profit_and_loss_detail(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    """Each income and expense posting of the period under its account, grouped as in the
    summary; the Net Income summary closes the report."""
    span = period(c, now, params)
    method = basis(c, params)
    names = _name_filter(params)
    by_account: dict[str, list[tuple[tuple[str, str, int], books.Entry, list[str]]]] = {}
    all_entries = list(books.entries(c, method))
    accounts_of: dict[tuple[str, str], set[str]] = {}
    for e in all_entries:
        accounts_of.setdefault((e.entity, e.ident), set()).add(e.posting.account_id)
    for e in all_entries:
        p = e.posting
        if not (span.start <= p.txn_date <= span.end) or not books.is_profit_and_loss(
            c, p.account_id
        ):
            continue
        if names is not None and books.party(e) not in names:
            continue
        others = sorted(accounts_of[(e.entity, e.ident)] - {p.account_id})
        order = (p.txn_date, e.entity, int(e.ident) if e.ident.isdigit() else 0)
        by_account.setdefault(p.account_id, []).append((order, e, others))
    rows: list[dict[str, Any]] = []
    totals: dict[str, Decimal] = {}
    width = len(PL_DETAIL_COLUMNS)
    for title, group, total_title, acct_type in PROFIT_AND_LOSS:
        credit = group in CREDIT_SIDE
        inner = []
        group_total = ZERO
        for rec in _of_types(c, [acct_type]):
            lines = sorted(by_account.get(rec.data["Id"], []), key=lambda t: t[0])
            if not lines:
                continue
            running = ZERO
            data_rows = []
            for _, e, others in lines:
                amount = -e.posting.amount if credit else e.posting.amount
                running += amount
                name, name_id = books.display_name(c, books.party(e))
                split = (
                    cell("-Split-")
                    if len(others) > 1
                    else cell(_account_name(c, others[0]), others[0])
                    if others
                    else cell("")
                )
                data_rows.append(
                    data_row(
                        [
                            cell(e.day),
                            cell(books.txn_type(e.entity, e.data), e.ident),
                            cell(str(e.data.get("DocNumber") or "")),
                            cell(name, name_id) if name_id else cell(""),
                            cell(e.posting.memo or ""),
                            split,
                            cell(text(amount)),
                            cell(text(running)),
                        ]
                    )
                )
            group_total += running
            fqn = str(rec.data["FullyQualifiedName"])
            inner.append(
                section(
                    [cell(fqn, rec.data["Id"]), *_blank(width - 1)],
                    data_rows,
                    [cell(f"Total for {fqn}"), *_blank(width - 3), cell(text(running)), cell("")],
                )
            )
        totals[group] = group_total
        rows.append(
            section(
                [cell(title), *_blank(width - 1)],
                inner,
                [
                    cell(total_title),
                    *_blank(width - 3),
                    cell(text(group_total) if inner else ""),
                    cell(""),
                ],
                group,
            )
        )
    net = (
        totals["Income"]
        - totals["COGS"]
        - totals["Expenses"]
        + totals["OtherIncome"]
        - totals["OtherExpenses"]
    )
    rows.append(
        section(
            None,
            [],
            [cell("Net Income"), *_blank(width - 3), cell(text(net)), cell("")],
            "NetIncome",
        )
    )
    head = header(
        c, now, "ProfitAndLossDetail", params, span, no_data=not by_account, report_basis=method
    )
    return report(head, columns(PL_DETAIL_COLUMNS), rows)


def _account_name(c: Company, ident: str) -> str:
    rec = c.get("Account", ident)
    return str(rec.data["FullyQualifiedName"]) if rec else ""


OPERATING_TYPES = (
    "Accounts Receivable",
    "Other Current Asset",
    "Accounts Payable",
    "Credit Card",
    "Other Current Liability",
)
INVESTING_TYPES = ("Fixed Asset", "Other Asset")
FINANCING_TYPES = ("Long Term Liability", "Equity")


def cash_flow(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
    """The indirect method: net income, then the change of every non-cash balance sheet
    account (an asset growing uses cash, a liability growing brings it), by activity. Cash is
    the bank accounts."""
    span = period(c, now, params)
    method = basis(c, params)
    moved = books.activity(c, span.start, span.end, method)
    income = net_income(c, moved)
    rows = []

    def account_lines(types: tuple[str, ...]) -> tuple[list[dict[str, Any]], Decimal]:
        lines = []
        total = ZERO
        for rec in _of_types(c, list(types)):
            change = -moved.get(rec.data["Id"], ZERO)
            if change == 0:
                continue
            total += change
            lines.append(
                data_row(
                    [cell(str(rec.data["FullyQualifiedName"]), rec.data["Id"]), cell(text(change))]
                )
            )
        return lines, total

    adjust, adjust_total = account_lines(OPERATING_TYPES)
    operating_rows: list[dict[str, Any]] = [data_row([cell("Net Income"), cell(text(income))])]
    operating_rows.append(
        section(
            [
                cell("Adjustments to reconcile Net Income to Net Cash provided by operations:"),
                cell(""),
            ],
            adjust,
            [
                cell(
                    "Total Adjustments to reconcile Net Income to Net Cash provided by operations:"
                ),
                cell(text(adjust_total)),
            ],
            "OperatingAdjustments",
        )
    )
    operating = income + adjust_total
    rows.append(
        section(
            [cell("OPERATING ACTIVITIES"), cell("")],
            operating_rows,
            [cell("Net cash provided by operating activities"), cell(text(operating))],
            "OperatingActivities",
        )
    )
    investing_rows, investing = account_lines(INVESTING_TYPES)
    if investing_rows:
        rows.append(
            section(
                [cell("INVESTING ACTIVITIES"), cell("")],
                investing_rows,
                [cell("Net cash provided by investing activities"), cell(text(investing))],
                "InvestingActivities",
            )
        )
    financing_rows, financing = account_lines(FINANCING_TYPES)
    if financing_rows:
        rows.append(
            section(
                [cell("FINANCING ACTIVITIES"), cell("")],
                financing_rows,
                [cell("Net cash provided by financing activities"), cell(text(financing))],
                "FinancingActivities",
            )
        )
    increase = operating + investing + financing
    rows.append(
        section(
            None, [], [cell("Net cash increase for period"), cell(text(increase))], "CashIncrease"
        )
    )
    banks = {r.data["Id"] for r in _of_types(c, ["Bank"])}
    before = _day_before(span.start)
    opening = sum((v for k, v in books.balances(c, before, method).items() if k in banks), ZERO)
    rows.append(
        data_row([cell("Cash at beginning of period"), cell(text(opening))])
        | {"group": "BeginningCash"}
    )
    rows.append(
        section(
            None, [], [cell("Cash at end of period"), cell(text(opening + increase))], "EndingCash"
        )
    )
    head = header(
        c, now, "CashFlow", params, span, no_data=not moved, report_basis=method, summarize="Total"
    )
    return report(head, columns([("", "Account"), ("Total", "Money")]), rows)


def _day_before(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
