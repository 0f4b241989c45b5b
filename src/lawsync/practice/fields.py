"""The shapes every value coming into the ledger must have, and the bounds it must keep.

One place decides what an id, an amount, a date or a name may look like, for request bodies,
query strings and paths alike, so that whatever is accepted fits its column, adds up to totals
that fit theirs, and prints the same in QuickBooks.

- Numbers are plain ASCII decimals: a JSON number, or a string such as ``"12.50"``. Underscores,
  exponents, spaces and digits of other scripts (``"１０"``, ``"٣"``) are refused.
- Dates are ISO ``YYYY-MM-DD`` strings between 1970-01-01 and 2099-12-31; a number is not a date.
- Ids are whole numbers from 1 to 2^63 - 1 (the largest a database id column holds).
- Text never carries control characters. Names (and payees, numbers, references) are one line:
  no tab or line break either, no bidirectional embedding, override or isolate characters (they
  can make a payee read differently from what is stored), and no invisible spaces (zero-width
  space, word joiner, byte-order mark), which would make two names look identical. Zero-width
  joiners and non-joiners and the left-to-right / right-to-left marks stay allowed: scripts such
  as Persian, Hindi or Hebrew need them. Names are stored in Unicode NFC form.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from annotated_types import GroupedMetadata
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

MAX_ID = 2**63 - 1

# Any single amount: a payment, a deposit, a line, a credit note (under a billion).
MAX_AMOUNT = Decimal("999999999.99")
# Anything that adds amounts up and is stored: a bill's total, a trust bucket's balance.
MAX_TOTAL = Decimal("9999999999.99")
MAX_RATE = Decimal("999999999.9999")
MAX_QUANTITY = Decimal("9999999.9999")
MAX_HOURS = Decimal("24")

MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)

_PLAIN_DECIMAL = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?")
_PLAIN_INT = re.compile(r"-?[0-9]{1,30}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# Characters refused everywhere: C0 controls but tab and line breaks, DEL, C1 controls,
# and lone surrogates (JSON can spell them, no database can store them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Refused in one-line names besides: tab, line breaks, line/paragraph separators,
# bidi embeddings/overrides/isolates, invisible spaces.
_NOT_IN_NAMES = re.compile("[\t\n\r\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")


# The same rules spelled as JSON Schema patterns, so the OpenAPI document tells the truth.
_TEXT_CLASS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
_NAME_CLASS = _TEXT_CLASS + r"\t\n\r\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff"
TEXT_PATTERN = f"^[^{_TEXT_CLASS}]*$"
# Names are trimmed when stored, so spaces at either end are allowed in; the rest must be clean.
NAME_PATTERN = f"^[^{_NAME_CLASS}]*$"


def control_character(value: str) -> str | None:
    """The first character text may never carry, or None."""
    found = _CONTROL.search(value)
    return found.group() if found else None


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def plain_text(value: str) -> str:
    char = control_character(value)
    if char is not None:
        raise ValueError(f"control characters are not allowed (found {_describe(char)})")
    return value


def one_line(value: str) -> str:
    plain_text(value)
    found = _NOT_IN_NAMES.search(value)
    if found:
        raise ValueError(
            f"{_describe(found.group())} is not allowed in a name (line breaks, tabs, "
            "direction overrides and invisible spaces are refused)"
        )
    return unicodedata.normalize("NFC", value)


def _plain_decimal(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a number is expected, not true/false")
    if isinstance(value, Decimal | int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("a finite number is expected")
        return Decimal(repr(value))
    if isinstance(value, str):
        if not _PLAIN_DECIMAL.fullmatch(value):
            raise ValueError("a plain decimal number is expected, e.g. 1250.00")
        return Decimal(value)
    raise ValueError("a number is expected")


def _plain_int(value: Any) -> Any:
    """A whole number: a JSON integer, or (in a path or query) a string of ASCII digits."""
    if isinstance(value, bool):
        raise ValueError("a whole number is expected, not true/false")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _PLAIN_INT.fullmatch(value):
        return int(value)
    raise ValueError("a whole number is expected")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError("a date is expected (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{value} is not a calendar date") from exc
    raise ValueError("a date is expected as YYYY-MM-DD")


def _date_in_range(value: dt.date) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"dates must lie between {MIN_DATE} and {MAX_DATE}")
    return value


def _number_schema(places: int, le: Decimal, gt: float | None, ge: float | None) -> dict[str, Any]:
    """A JSON number, or the string form lawsync answers with."""
    whole = max(1, len(str(int(le))) - 1)
    not_zero = r"(?!0+(\.0+)?$)" if gt is not None else ""
    low: dict[str, Any] = {"exclusiveMinimum": gt} if gt is not None else {"minimum": ge or 0}
    return {
        "anyOf": [
            {"type": "number", "maximum": float(le), **low},
            {
                "type": "string",
                "pattern": f"^{not_zero}[0-9]{{1,{whole}}}(\\.[0-9]{{1,{places}}})?$",
            },
        ],
        "description": f"A plain decimal, at most {places} decimals, at most {le}.",
    }


@dataclass(frozen=True)
class Rules(GroupedMetadata):
    """Several pydantic rules used as one annotation: ``Annotated[str, fields.name(100)]``."""

    rules: tuple[Any, ...]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rules)


def decimal(
    *, gt: float | None = None, ge: float | None = None, le: Decimal, places: int = 2
) -> Rules:
    """A plain decimal with at most ``places`` decimals, within bounds."""
    return Rules(
        (
            Field(gt=gt, ge=ge, le=le, decimal_places=places),
            BeforeValidator(_plain_decimal),
            WithJsonSchema(_number_schema(places, le, gt, ge)),
        )
    )


def money(*, gt: float | None = None, ge: float | None = None, le: Decimal = MAX_AMOUNT) -> Rules:
    """An amount of money: two decimals at most, within ``le``."""
    return decimal(gt=gt, ge=ge, le=le, places=2)


def text(max_length: int, *, min_length: int = 0, strip: bool = False) -> Rules:
    """Free text (a description, a memo): line breaks and tabs allowed, other controls not."""
    return Rules(
        (
            StringConstraints(
                strip_whitespace=strip, min_length=min_length or None, max_length=max_length
            ),
            AfterValidator(plain_text),
            Field(json_schema_extra={"pattern": TEXT_PATTERN}),
        )
    )


def name(
    max_length: int,
    *,
    min_length: int = 0,
    pattern: str | None = None,
    says: str = "does not have the expected form",
) -> Rules:
    """A one-line name, number or reference, trimmed and stored in NFC form.

    ``pattern`` (a whole-value regular expression) refuses with ``says`` rather than with the
    expression itself, which means nothing to a bookkeeper.
    """
    checks: list[Any] = [AfterValidator(one_line)]
    if pattern is not None:
        checks.append(AfterValidator(_matching(pattern, says)))
    return Rules(
        (
            StringConstraints(
                strip_whitespace=True, min_length=min_length or None, max_length=max_length
            ),
            *checks,
            Field(json_schema_extra={"pattern": pattern or NAME_PATTERN}),
        )
    )


def _matching(pattern: str, says: str) -> Any:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(says)
        return value

    return check


# In request bodies an id is a JSON integer (no "12", no 12.0, no true).
Id = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# In paths and query strings an id is ASCII digits; past the column's range it names nothing.
IdParam = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_plain_int)]
Date = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    AfterValidator(_date_in_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^(19[7-9][0-9]|20[0-9]{2})-"}),
]
