"""JSON on the wire: Decimal in, numbers out, and QBO's timestamp formats."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

CENT = Decimal("0.01")


def loads(raw: bytes | str) -> Any:
    return json.loads(raw, parse_float=Decimal)


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        # Money has at most 15 significant digits, so the shortest float repr is exact.
        return float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, separators=(",", ":"), ensure_ascii=False)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: object, element: str) -> Decimal:
    """Parse a JSON number (or numeric string) or raise 2090 for the element."""
    from .faults import InvalidNumber

    if isinstance(value, bool):
        raise InvalidNumber(f"Invalid Number : {value}", element)
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        try:
            return Decimal(str(value).strip())
        except InvalidOperation:
            pass
    raise InvalidNumber(f"Invalid Number : {value}", element)


@cache
def company_tz(country: str) -> timezone:
    return timezone(timedelta(hours=-5 if country == "CA" else -8))


def qbo_time(epoch: float, tz: timezone) -> str:
    """Render an instant as QBO does: local time with the company's offset."""
    return datetime.fromtimestamp(epoch, tz).isoformat(timespec="seconds")


def response_time(epoch: float, tz: timezone) -> str:
    return datetime.fromtimestamp(epoch, tz).isoformat(timespec="milliseconds")


def parse_instant(text: str) -> float | None:
    """Parse an ISO-8601 date or datetime (naive means UTC) to epoch seconds."""
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp()
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()
