"""The QBO query language: quoting literals safely and paging through results.

QBO's SQL-like language takes string literals in single quotes with a backslash escape, so a
name such as ``O'Brien \\ Sons`` must be written ``'O\\'Brien \\\\ Sons'``. Building queries only
through ``sql()`` keeps user data out of the query's structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

__all__ = ["MAX_PAGE_SIZE", "page_statement", "quote", "sql"]

MAX_PAGE_SIZE = 1000
_PAGING = re.compile(r"\b(STARTPOSITION|MAXRESULTS)\b", re.IGNORECASE)
_ORDER = re.compile(r"\bORDER\s*BY\b", re.IGNORECASE)

Literal = str | int | Decimal | bool | date | datetime | Iterable["Literal"]


def quote(value: Literal) -> str:
    """One literal in QBO syntax; iterables become ``(a, b)`` for ``IN``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a datetime in a query needs a time zone")
        return f"'{value.isoformat()}'"
    if isinstance(value, date):
        return f"'{value.isoformat()}'"
    if isinstance(value, float):
        raise TypeError("floats are not accepted in queries; use Decimal")
    items = [quote(v) for v in value]
    if not items:
        raise ValueError("IN () needs at least one value")
    return "(" + ", ".join(items) + ")"


def sql(template: str, *values: Literal) -> str:
    """Fill each ``?`` in ``template`` with a quoted literal.

    >>> sql("SELECT * FROM Customer WHERE DisplayName = ?", "O'Brien")
    "SELECT * FROM Customer WHERE DisplayName = 'O\\\\'Brien'"
    """
    parts = template.split("?")
    if len(parts) != len(values) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders but {len(values)} values")
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out.append(quote(value))
        out.append(part)
    return "".join(out)


def page_statement(statement: str, start: int, size: int) -> str:
    """Add a stable order (``ORDERBY Id`` unless one is given) and one page's bounds."""
    if _PAGING.search(statement):
        raise ValueError("leave STARTPOSITION and MAXRESULTS out; the client pages for you")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValueError(f"page size must be between 1 and {MAX_PAGE_SIZE}")
    ordered = statement if _ORDER.search(statement) else f"{statement} ORDERBY Id"
    return f"{ordered} STARTPOSITION {start} MAXRESULTS {size}"
