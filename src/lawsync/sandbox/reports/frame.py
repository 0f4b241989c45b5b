"""What every report shares: its period (dates or a date macro), its basis, its header and
the Rows/ColData shapes the report service answers with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..company import Company
from ..faults import InvalidDateFormat, InvalidEnumeration
from ..wire import money, response_time

ZERO = Decimal("0")
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


@dataclass(frozen=True)
class Period:
    start: str
    end: str
    macro: str | None = None


def today(c: Company, now: float) -> date:
    return datetime.fromtimestamp(now, c.tz).date()


def fiscal_month(c: Company) -> int:
    prefs = c.get("Preferences", "1")
    name = ((prefs.data if prefs else {}).get("AccountingInfoPrefs") or {}).get(
        "FirstMonthOfFiscalYear", "January"
    )
    return MONTHS.index(name) + 1 if name in MONTHS else 1


def fiscal_year_start(c: Company, end: str) -> str:
    month = fiscal_month(c)
    year, end_month = int(end[:4]), int(end[5:7])
    return f"{year if end_month >= month else year - 1:04d}-{month:02d}-01"


def _month_start(d: date, back: int = 0) -> date:
    index = d.year * 12 + d.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _month_end(d: date) -> date:
    return _month_start(d, -1) - timedelta(days=1)


def macro_period(c: Company, day: date, macro: str) -> tuple[date, date] | None:
    """The dates a date macro names, counted from ``day`` (the company's today); None when
    the sandbox does not know the macro (it is then ignored, like an absent one)."""
    key = " ".join(macro.lower().replace("-", " - ").split()).replace(" - ", "-")
    fy = date.fromisoformat(fiscal_year_start(c, day.isoformat()))
    fy_end = date(fy.year + 1, fy.month, 1) - timedelta(days=1)
    quarter = fy
    while _month_start(quarter, -3) <= day:
        quarter = _month_start(quarter, -3)
    week = day - timedelta(days=(day.weekday() + 1) % 7)
    last_fy = date(fy.year - 1, fy.month, 1)
    table: dict[str, tuple[date, date]] = {
        "all": (date(1900, 1, 1), day),
        "today": (day, day),
        "yesterday": (day - timedelta(days=1), day - timedelta(days=1)),
        "this week": (week, week + timedelta(days=6)),
        "this week-to-date": (week, day),
        "last week": (week - timedelta(days=7), week - timedelta(days=1)),
        "last week-to-date": (week - timedelta(days=7), day - timedelta(days=7)),
        "this month": (_month_start(day), _month_end(day)),
        "this month-to-date": (_month_start(day), day),
        "last month": (_month_start(day, 1), _month_start(day) - timedelta(days=1)),
        "last month-to-date": (
            _month_start(day, 1),
            _month_start(day, 1) + (day - _month_start(day)),
        ),
        "this fiscal quarter": (quarter, _month_start(quarter, -3) - timedelta(days=1)),
        "this fiscal quarter-to-date": (quarter, day),
        "last fiscal quarter": (_month_start(quarter, 3), quarter - timedelta(days=1)),
        "this fiscal year": (fy, fy_end),
        "this fiscal year-to-date": (fy, day),
        "last fiscal year": (last_fy, fy - timedelta(days=1)),
        "last fiscal year-to-date": (
            last_fy,
            date(last_fy.year + (day.year - fy.year), day.month, min(day.day, 28)),
        ),
        "this calendar year": (date(day.year, 1, 1), date(day.year, 12, 31)),
        "this calendar year-to-date": (date(day.year, 1, 1), day),
        "last calendar year": (date(day.year - 1, 1, 1), date(day.year - 1, 12, 31)),
        "last year": (last_fy, fy - timedelta(days=1)),
        "this year": (fy, fy_end),
        "this year-to-date": (fy, day),
        "next week": (week + timedelta(days=7), week + timedelta(days=13)),
        "next month": (_month_start(day, -1), _month_end(_month_start(day, -1))),
        "next fiscal year": (
            date(fy.year + 1, fy.month, 1),
            date(fy.year + 2, fy.month, 1) - timedelta(days=1),
        ),
    }
    return table.get(key)


def _check_date(text: str, name: str) -> str:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date().isoformat()
    except ValueError:
        raise InvalidDateFormat(f"Invalid Date Format : {text}", name) from None


YEAR_TO_DATE = "this calendar year-to-date"
MONTH_TO_DATE = "this month-to-date"


def period(c: Company, now: float, params: dict[str, str], default: str = YEAR_TO_DATE) -> Period:
    """start_date/end_date win over date_macro; with none of them, the ``default`` macro,
    reported in the header as QBO does (this calendar year to date for summaries, this month
    to date for the ledgers). A lone end_date starts its fiscal year."""
    day = today(c, now)
    macro = params.get("date_macro") or None
    start = params.get("start_date")
    end = params.get("end_date")
    if end:
        end = _check_date(end, "end_date")
    if start:
        start = _check_date(start, "start_date")
    if not (macro or start or end):
        macro = default
    if macro and not (start and end):
        span = macro_period(c, day, macro)
        if span is not None:
            start = start or span[0].isoformat()
            end = end or span[1].isoformat()
    end = end or day.isoformat()
    start = start or fiscal_year_start(c, end)
    return Period(start, end, macro)


def as_of(c: Company, now: float, params: dict[str, str]) -> Period:
    """The one date of a point-in-time report (balances, aging): ``report_date``, else
    ``end_date``, else the end of ``date_macro``, else today."""
    day = today(c, now)
    for name in ("report_date", "end_date"):
        if params.get(name):
            end = _check_date(params[name], name)
            return Period(end, end, params.get("date_macro") or None)
    macro = params.get("date_macro") or None
    if macro:
        span = macro_period(c, day, macro)
        if span is not None:
            return Period(span[1].isoformat(), span[1].isoformat(), macro)
    return Period(day.isoformat(), day.isoformat(), macro)


def basis(c: Company, params: dict[str, str]) -> str:
    raw = params.get("accounting_method")
    if not raw:
        prefs = c.get("Preferences", "1")
        report = ((prefs.data if prefs else {}).get("ReportPrefs") or {}).get("ReportBasis")
        return "Cash" if report == "Cash" else "Accrual"
    for value in ("Accrual", "Cash"):
        if raw.lower() == value.lower():
            return value
    raise InvalidEnumeration.of(raw, "accounting_method")


def ids(params: dict[str, str], name: str) -> set[str] | None:
    raw = params.get(name)
    if not raw:
        return None
    return {part.strip() for part in raw.split(",") if part.strip()}


def header(
    c: Company,
    now: float,
    name: str,
    params: dict[str, str],
    span: Period,
    *,
    no_data: bool,
    report_basis: str | None = None,
    summarize: str | None = None,
    point: bool = False,
    standard: bool = False,
) -> dict[str, Any]:
    head: dict[str, Any] = {"Time": response_time(now, c.tz), "ReportName": name}
    if span.macro:
        head["DateMacro"] = span.macro
    if report_basis:
        head["ReportBasis"] = report_basis
    if point:
        head["StartPeriod"] = span.end
        head["EndPeriod"] = span.end
    else:
        head["StartPeriod"] = span.start
        head["EndPeriod"] = span.end
    if summarize:
        head["SummarizeColumnsBy"] = summarize
    head["Currency"] = c.home_currency
    for key in ("customer", "vendor", "item", "account", "department", "class"):
        if params.get(key):
            head[key.capitalize()] = params[key]
    head["Option"] = [{"Name": "NoReportData", "Value": "true" if no_data else "false"}]
    if standard:
        head["Option"].insert(0, {"Name": "AccountingStandard", "Value": "GAAP"})
    return head


def columns(spec: list[tuple[str, str]] | list[tuple[str, str, str]]) -> dict[str, Any]:
    out = []
    for item in spec:
        col: dict[str, Any] = {"ColTitle": item[0], "ColType": item[1]}
        if len(item) > 2:
            col["MetaData"] = [{"Name": "ColKey", "Value": item[2]}]
        out.append(col)
    return {"Column": out}


def text(value: Decimal) -> str:
    return f"{money(value):.2f}"


def cell(value: str, ident: str | None = None) -> dict[str, str]:
    return {"value": value, "id": ident} if ident is not None else {"value": value}


def data_row(cells: list[dict[str, str]]) -> dict[str, Any]:
    return {"ColData": cells, "type": "Data"}


def section(
    head: list[dict[str, str]] | None,
    rows: list[dict[str, Any]],
    summary: list[dict[str, str]] | None,
    group: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if head is not None:
        out["Header"] = {"ColData": head}
    if rows:
        out["Rows"] = {"Row": rows}
    if summary is not None:
        out["Summary"] = {"ColData": summary}
    out["type"] = "Section"
    if group:
        out["group"] = group
    return out


def report(
    head: dict[str, Any], cols: dict[str, Any], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    return {"Header": head, "Columns": cols, "Rows": {"Row": rows}}


SUMMARIZE = {"total": "Total", "month": "Month", "quarter": "Quarter", "year": "Year"}


def column_periods(
    c: Company, span: Period, params: dict[str, str]
) -> tuple[str, list[tuple[str, str, str]]]:
    """The money columns of a statement: one Total column, or one per month, quarter or year
    of the period (``summarize_column_by``; other values are answered as Total)."""
    raw = (params.get("summarize_column_by") or "Total").lower()
    by = SUMMARIZE.get(raw, "Total")
    start, end = date.fromisoformat(span.start), date.fromisoformat(span.end)
    if by == "Total" or start > end:
        return "Total", [("Total", span.start, span.end)]
    step = {"Month": 1, "Quarter": 3, "Year": 12}[by]
    out = []
    cursor = start
    first_month = fiscal_month(c)
    while cursor <= end:
        if by == "Month":
            nxt = _month_start(cursor, -1)
            title = cursor.strftime("%b %Y")
        else:
            anchor = _month_start(cursor)
            while (anchor.month - first_month) % step:
                anchor = _month_start(anchor, 1)
            nxt = _month_start(anchor, -step)
            if by == "Quarter":
                title = f"Q{((anchor.month - first_month) % 12) // 3 + 1} {anchor.year}"
            else:
                title = f"{anchor.year}"
        last = min(end, nxt - timedelta(days=1))
        out.append((title, cursor.isoformat(), last.isoformat()))
        cursor = nxt
    if len(out) > 1:
        out.append(("Total", span.start, span.end))
    return by, out
