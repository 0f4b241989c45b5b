"""A record as JSON (for the API) and as CSV (for a spreadsheet).

Figures are written as plain decimals with two places ("-1234.50"), dates as ISO dates: what a
program or a spreadsheet reads back exactly. The PDF (`lawsync.reports.pdf`) is for people.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

from lawsync.money import to_cents
from lawsync.reports.record import Cell, ColumnType, Record, Total


def plain(value: Cell) -> str:
    """A cell as text a program reads back exactly; empty for None."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{to_cents(value):.2f}"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_cell(value: Cell) -> Any:
    if value is None or isinstance(value, (int, str)):
        return value
    return plain(value)


def _total(record: Record, total: Total) -> dict[str, Any]:
    keys = [c.key for c in record.columns]
    return {
        "label": total.label,
        "values": {k: _json_cell(total.values[k]) for k in keys if k in total.values},
    }


def as_json(record: Record) -> dict[str, Any]:
    keys = [c.key for c in record.columns]
    return {
        "record": record.name,
        "title": record.title,
        "jurisdiction": record.jurisdiction,
        "parameters": record.params.as_query(),
        "as_at": record.as_at.isoformat(),
        "currency": record.currency,
        "facts": [{"label": k, "value": v} for k, v in record.facts],
        "columns": [{"key": c.key, "title": c.title, "type": c.type.value} for c in record.columns],
        "sections": [
            {
                "heading": s.heading,
                "before": [_total(record, t) for t in s.before],
                "rows": [
                    {k: _json_cell(v) for k, v in zip(keys, row, strict=True)} for row in s.rows
                ],
                "totals": [_total(record, t) for t in s.totals],
            }
            for s in record.sections
        ],
        "totals": [_total(record, t) for t in record.totals],
        "notes": record.notes,
        "row_count": record.row_count,
    }


def _guarded(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(record: Record) -> str:
    """One header line, then every row; a section's heading and the totals in the first column
    ("Section"), so a filter on it keeps a client's or a matter's lines together."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    text_columns = [c.type is ColumnType.text for c in record.columns]
    writer.writerow(["Section", *(c.title for c in record.columns)])

    def cells(row: tuple[Cell, ...]) -> list[str]:
        # Figures stay figures (a negative amount starts with "-"); only text is guarded.
        return [
            _guarded(plain(v)) if is_text else plain(v)
            for v, is_text in zip(row, text_columns, strict=True)
        ]

    def total_row(heading: str, total: Total) -> list[str]:
        row = tuple(total.values.get(c.key) for c in record.columns)
        values = cells(row)
        first_text = next((i for i, t in enumerate(text_columns) if t and not values[i]), None)
        if first_text is not None:
            values[first_text] = _guarded(total.label)
            return [_guarded(heading), *values]
        return [_guarded(f"{heading}: {total.label}" if heading else total.label), *values]

    for section in record.sections:
        for total in section.before:
            writer.writerow(total_row(section.heading, total))
        for row in section.rows:
            writer.writerow([_guarded(section.heading), *cells(row)])
        for total in section.totals:
            writer.writerow(total_row(section.heading, total))
    for total in record.totals:
        writer.writerow(total_row("Total", total))
    return out.getvalue()
