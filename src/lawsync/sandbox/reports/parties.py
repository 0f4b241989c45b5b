"""What customers owe and what is owed to vendors: the balance reports (summary and detail)
and the aging reports (summary and detail), all read from the open documents as of a date.

A document is open as of a date for its total less what payments dated on or before that
date applied to it; a payment's unapplied part is open against its customer. Customer
documents: invoices (+), credit memos and unapplied payments (-). Vendor documents: bills
(+) and vendor credits (-), where the company has them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..company import Company
from . import books
from .frame import (
    ZERO,
    as_of,
    cell,
    columns,
    data_row,
    header,
    ids,
    report,
    section,
    text,
    today,
)

Builder = Callable[[Company, float, dict[str, str]], dict[str, Any]]
SIDES = {
    "Customer": (("Invoice", 1), ("CreditMemo", -1), ("Payment", -1)),
    "Vendor": (("Bill", 1), ("VendorCredit", -1)),
}
REF = {"Customer": "CustomerRef", "Vendor": "VendorRef"}


@dataclass(frozen=True)
class OpenItem:
    entity: str
    ident: str
    name_id: str
    day: str
    due: str
    amount: Decimal  # signed document total
    open: Decimal  # signed open balance as of the report date
    doc_number: str
    data: dict[str, Any]


def open_items(c: Company, kind: str, day: str, only: set[str] | None) -> list[OpenItem]:
    out = []
    for entity, sign in SIDES[kind]:
        for rec in c.table(entity).values():
            data = rec.data
            name_id = str((data.get(REF[kind]) or {}).get("value") or "")
            txn_day = str(data.get("TxnDate") or "")
            if not name_id or txn_day > day or (only is not None and name_id not in only):
                continue
            total = Decimal(str(data.get("TotalAmt", 0)))
            if entity == "Payment":
                left = Decimal(str(data.get("UnappliedAmt", 0)))
            else:
                paid = ZERO
                for pid, value in c.applied.get((entity, rec.data["Id"]), {}).items():
                    payer = c.get(*books.payer_key(pid))
                    if payer is None or str(payer.data.get("TxnDate") or "") <= day:
                        paid += value
                left = total - paid
            if left == 0:
                continue
            out.append(
                OpenItem(
                    entity,
                    rec.data["Id"],
                    name_id,
                    txn_day,
                    str(data.get("DueDate") or txn_day),
                    sign * total,
                    sign * left,
                    str(data.get("DocNumber") or ""),
                    data,
                )
            )
    out.sort(key=lambda i: (i.day, i.entity, int(i.ident) if i.ident.isdigit() else 0))
    return out


def _name(c: Company, kind: str, ident: str) -> str:
    rec = c.get(kind, ident)
    if rec is None:
        return ""
    return str(rec.data.get("FullyQualifiedName") or rec.data.get("DisplayName") or "")


def _by_name(c: Company, kind: str, items: list[OpenItem]) -> list[tuple[str, str, list[OpenItem]]]:
    grouped: dict[str, list[OpenItem]] = {}
    for item in items:
        grouped.setdefault(item.name_id, []).append(item)
    named = [(_name(c, kind, ident), ident, rows) for ident, rows in grouped.items()]
    return sorted(named, key=lambda t: t[0].casefold())


def _total_row(values: list[Decimal]) -> dict[str, Any]:
    return section(None, [], [cell("TOTAL"), *(cell(text(v)) for v in values)], "GrandTotal")


def balance_summary(kind: str, name: str) -> Builder:
    def build(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
        span = as_of(c, now, params)
        items = open_items(c, kind, span.end, ids(params, kind.lower()))
        rows = []
        total = ZERO
        for label, ident, mine in _by_name(c, kind, items):
            value = sum((i.open for i in mine), ZERO)
            if value == 0:
                continue
            total += value
            rows.append(data_row([cell(label, ident), cell(text(value))]))
        rows.append(_total_row([total]))
        head = header(c, now, name, params, span, no_data=not items, point=True, summarize="Total")
        return report(head, columns([("", kind), ("Total", "Money")]), rows)

    return build


DETAIL = [
    ("Date", "Date", "tx_date"),
    ("Transaction Type", "String", "txn_type"),
    ("Num", "String", "doc_num"),
    ("Due Date", "Date", "due_date"),
    ("Amount", "Money", "subt_amount"),
    ("Open Balance", "Money", "subt_open_bal"),
    ("Balance", "Money", "rbal_open_bal"),
]


def _txn_cells(item: OpenItem) -> list[dict[str, str]]:
    return [
        cell(item.day),
        cell(books.txn_type(item.entity, item.data), item.ident),
        cell(item.doc_number),
    ]


def balance_detail(kind: str, name: str) -> Builder:
    def build(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
        span = as_of(c, now, params)
        items = open_items(c, kind, span.end, ids(params, kind.lower()))
        rows = []
        grand = ZERO
        for label, ident, mine in _by_name(c, kind, items):
            running = ZERO
            amount_total = ZERO
            lines = []
            for item in mine:
                running += item.open
                amount_total += item.amount
                lines.append(
                    data_row(
                        [
                            *_txn_cells(item),
                            cell(item.due),
                            cell(text(item.amount)),
                            cell(text(item.open)),
                            cell(text(running)),
                        ]
                    )
                )
            grand += running
            rows.append(
                section(
                    [cell(label, ident), *(cell("") for _ in DETAIL[1:])],
                    lines,
                    [
                        cell(f"Total for {label}"),
                        cell(""),
                        cell(""),
                        cell(""),
                        cell(text(amount_total)),
                        cell(text(running)),
                        cell(""),
                    ],
                )
            )
        rows.append(
            section(
                None,
                [],
                [
                    cell("TOTAL"),
                    cell(""),
                    cell(""),
                    cell(""),
                    cell(""),
                    cell(text(grand)),
                    cell(""),
                ],
                "GrandTotal",
            )
        )
        head = header(c, now, name, params, span, no_data=not items, point=True)
        return report(head, columns(DETAIL), rows)

    return build


def _positive_int(params: dict[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        from ..faults import InvalidNumber

        raise InvalidNumber(f"Invalid Number : {raw}", name) from None
    return max(1, value)


def buckets(params: dict[str, str]) -> tuple[int, int, list[str]]:
    """aging_period days per bucket, num_periods buckets after Current (the last open)."""
    step = _positive_int(params, "aging_period", 30)
    count = _positive_int(params, "num_periods", 4)
    titles = ["Current"]
    for i in range(count - 1):
        titles.append(f"{i * step + 1} - {(i + 1) * step}")
    titles.append(f"{(count - 1) * step + 1} and over")
    return step, count, titles


def bucket_of(item: OpenItem, day: str, step: int, count: int) -> int:
    """0 for Current (not yet due on ``day``), else the bucket of its days past due."""
    late = (date.fromisoformat(day) - date.fromisoformat(item.due)).days
    if late <= 0:
        return 0
    return min(count, (late - 1) // step + 1)


def aging_day(c: Company, now: float, params: dict[str, str], report_day: str) -> str:
    """aging_method=Current ages the open items to today, else to the report date."""
    if (params.get("aging_method") or "").lower() == "current":
        return today(c, now).isoformat()
    return report_day


def aging_summary(kind: str, name: str) -> Builder:
    def build(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
        span = as_of(c, now, params)
        step, count, titles = buckets(params)
        items = open_items(c, kind, span.end, ids(params, kind.lower()))
        rows = []
        grand = [ZERO] * (count + 2)
        for label, ident, mine in _by_name(c, kind, items):
            values = [ZERO] * (count + 1)
            for item in mine:
                values[bucket_of(item, aging_day(c, now, params, span.end), step, count)] += (
                    item.open
                )
            total = sum(values, ZERO)
            if total == 0 and all(v == 0 for v in values):
                continue
            values.append(total)
            grand = [a + b for a, b in zip(grand, values, strict=True)]
            rows.append(data_row([cell(label, ident), *(cell(text(v)) for v in values)]))
        rows.append(_total_row(grand))
        spec = [("", kind)] + [(t, "Money") for t in titles] + [("Total", "Money")]
        head = header(c, now, name, params, span, no_data=not items, point=True)
        return report(head, columns(spec), rows)

    return build


def aging_detail(kind: str, name: str) -> Builder:
    name_key = "cust_name" if kind == "Customer" else "vend_name"
    spec = [
        ("Date", "Date", "tx_date"),
        ("Transaction Type", "String", "txn_type"),
        ("Num", "String", "doc_num"),
        (kind, "String", name_key),
        ("Due Date", "Date", "due_date"),
        ("Amount", "Money", "subt_amount"),
        ("Open Balance", "Money", "subt_open_bal"),
    ]

    def build(c: Company, now: float, params: dict[str, str]) -> dict[str, Any]:
        span = as_of(c, now, params)
        step, count, titles = buckets(params)
        items = open_items(c, kind, span.end, ids(params, kind.lower()))
        grouped: list[list[OpenItem]] = [[] for _ in range(count + 1)]
        for item in items:
            grouped[bucket_of(item, aging_day(c, now, params, span.end), step, count)].append(item)
        rows = []
        grand = ZERO
        labels = ["Current"] + [f"{t} days past due" for t in titles[1:-1]]
        labels.append(f"{(count - 1) * step + 1} or more days past due")
        for label, mine in zip(labels, grouped, strict=True):
            if not mine:
                continue
            lines = []
            amount_total = open_total = ZERO
            for item in mine:
                amount_total += item.amount
                open_total += item.open
                lines.append(
                    data_row(
                        [
                            *_txn_cells(item),
                            cell(_name(c, kind, item.name_id), item.name_id),
                            cell(item.due),
                            cell(text(item.amount)),
                            cell(text(item.open)),
                        ]
                    )
                )
            grand += open_total
            rows.append(
                section(
                    [cell(label), *(cell("") for _ in spec[1:])],
                    lines,
                    [
                        cell(f"Total for {label}"),
                        *(cell("") for _ in spec[1:-2]),
                        cell(text(amount_total)),
                        cell(text(open_total)),
                    ],
                )
            )
        rows.append(
            section(
                None,
                [],
                [cell("TOTAL"), *(cell("") for _ in spec[1:-1]), cell(text(grand))],
                "GrandTotal",
            )
        )
        head = header(c, now, name, params, span, no_data=not items, point=True)
        return report(head, columns(spec), rows)

    return build
